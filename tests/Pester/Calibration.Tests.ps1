Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $CalibrationCommand = 'DlClassifier.PowerShell.Commands.SetDlClassifierCalibrationCommand'

    # One short epoch on 3 classes leaves the classifier unsure about some validation images, so the fitted
    # temperature lies inside its range rather than on a bound.
    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 8; bars = 8; checks = 8 })
    $Unsplit = Import-DlDataSet -Path $DataRoot
    $DataSet = Split-DlDataSet -DataSet $Unsplit -TrainingPercent 50 -ValidationPercent 25
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 1 -BatchSize 4 -LearningRate 0.01 -Seed 5 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet
}

Describe 'Set-DlClassifierCalibration' {
    AfterEach {
        Set-DlClassifierCalibration -Classifier $Classifier -Reset
    }

    Context 'parameters' {
        It 'stores the fitted temperature in the classifier and returns it' {
            $calibration = Set-DlClassifierCalibration -Classifier $Classifier -DataSet $DataSet `
                -WarningAction SilentlyContinue

            $calibration.Temperature | Should -BeGreaterThan 0
            $Classifier.Temperature | Should -Be $calibration.Temperature
            $calibration.Split | Should -Be 'Validation'
            $calibration.ImageCount | Should -Be $DataSet.ValidationCount
            $calibration.NllAfter | Should -BeLessOrEqual ($calibration.NllBefore + 1e-12)
        }

        It 'reports 15 bins before and after, holding every image' {
            $calibration = Set-DlClassifierCalibration $Classifier $DataSet -WarningAction SilentlyContinue

            $calibration.BinsBefore | Should -HaveCount 15
            $calibration.BinsAfter | Should -HaveCount 15
            $binned = ($calibration.BinsAfter | ForEach-Object Count | Measure-Object -Sum).Sum
            $binned | Should -Be $calibration.ImageCount
        }

        It 'writes the reliability plot as a PNG with -PlotPath' {
            $plot = Join-Path $TestDrive 'plots/reliability.png'

            $calibration = Set-DlClassifierCalibration $Classifier $DataSet -PlotPath $plot `
                -WarningAction SilentlyContinue

            Test-DlPngSignature -Path $plot | Should -BeTrue
            $calibration.PlotPath | Should -Be $plot
        }

        It 'fits on the <Split> split with -Split' -TestCases @(
            @{ Split = 'Test' }
            @{ Split = 'Training' }
        ) {
            $calibration = Set-DlClassifierCalibration $Classifier $DataSet -Split $Split `
                -WarningAction SilentlyContinue

            $calibration.Split | Should -Be $Split
            $calibration.ImageCount | Should -Be $DataSet."${Split}Count"
        }

        It 'warns that fitting on the <Split> split is biased' -TestCases @(
            @{ Split = 'Test' }
            @{ Split = 'Training' }
        ) {
            $null = Set-DlClassifierCalibration $Classifier $DataSet -Split $Split -WarningVariable warnings `
                -WarningAction SilentlyContinue

            @($warnings | Where-Object { "$_" -like '*calibrate on the validation split*' }) | Should -HaveCount 1
        }

        It 'sets the temperature back to 1 with -Reset and writes nothing' {
            $null = Set-DlClassifierCalibration $Classifier $DataSet -WarningAction SilentlyContinue

            $output = @(Set-DlClassifierCalibration -Classifier $Classifier -Reset)

            $output | Should -HaveCount 0
            $Classifier.Temperature | Should -Be 1
        }

        It 'takes the classifier from the pipeline' {
            $calibration = $Classifier | Set-DlClassifierCalibration -DataSet $DataSet -WarningAction SilentlyContinue

            $Classifier.Temperature | Should -Be $calibration.Temperature
        }
    }

    Context 'effect on predictions' {
        It 'changes probabilities but never the predicted class' {
            $before = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All
            $null = Set-DlClassifierCalibration $Classifier $DataSet -WarningAction SilentlyContinue

            $after = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All

            $after.Images.PredictedClass | Should -Be $before.Images.PredictedClass
            $after.Accuracy | Should -Be $before.Accuracy
        }

        It 'lowers the validation log loss that Measure-DlClassifier reports, or keeps it' {
            $before = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet
            $null = Set-DlClassifierCalibration $Classifier $DataSet -WarningAction SilentlyContinue

            $after = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet

            $after.LogLoss | Should -BeLessOrEqual ($before.LogLoss + 1e-6)
        }

        It 'applies the temperature in Invoke-DlClassifier, whose probabilities still sum to 1' {
            $image = $DataSet.Samples[0].Path
            $plain = Invoke-DlClassifier -Classifier $Classifier -Path $image
            $Classifier | Set-DlClassifierCalibration -DataSet $DataSet -WarningAction SilentlyContinue | Out-Null

            $scaled = Invoke-DlClassifier -Classifier $Classifier -Path $image

            $scaled.TopClass | Should -Be $plain.TopClass
            [math]::Abs(($scaled.Probabilities.Values | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-5
            if ([math]::Abs($Classifier.Temperature - 1) -gt 0.01) {
                $scaled.Confidence | Should -Not -Be $plain.Confidence
            }
        }

        It 'keeps the temperature through Export-DlClassifier and Import-DlClassifier' {
            $calibration = Set-DlClassifierCalibration $Classifier $DataSet -WarningAction SilentlyContinue
            $file = Join-Path $TestDrive 'calibrated.dlc'
            Export-DlClassifier -Classifier $Classifier -Path $file -Force

            $loaded = Import-DlClassifier -Path $file

            $loaded.Temperature | Should -Be $calibration.Temperature
        }
    }

    Context 'errors' {
        It 'throws SplitEmpty for the validation split of an unsplit data set' {
            { Set-DlClassifierCalibration -Classifier $Classifier -DataSet $Unsplit } |
                Should -Throw -ErrorId "SplitEmpty,$CalibrationCommand"
        }

        It 'leaves the temperature alone when it cannot calibrate' {
            try {
                Set-DlClassifierCalibration -Classifier $Classifier -DataSet $Unsplit
            }
            catch {
                $null = $_
            }

            $Classifier.Temperature | Should -Be 1
        }

        It 'does not take -Reset together with -DataSet' {
            { Set-DlClassifierCalibration -Classifier $Classifier -DataSet $DataSet -Reset } |
                Should -Throw -ErrorId "AmbiguousParameterSet,$CalibrationCommand"
        }
    }
}
