Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
}

Describe 'The classifier workflow' {
    Context 'from class folders to predictions of a reloaded classifier' {
        BeforeAll {
            # 8 Trouser and 8 Bag images of the bundled Fashion-MNIST sample, 28x28 grey.
            $Root = Copy-DlSampleImage -Destination "$TestDrive/fashion" -ClassName 'Trouser', 'Bag' -Count 8
            $Output = Join-Path $TestDrive 'output'

            $DataSet = Import-DlDataSet -Path $Root | Split-DlDataSet -Seed 1
            $Classifier = $DataSet | New-DlClassifier |
                Set-DlClassifierParam -Epochs 2 -BatchSize 4 -LearningRate 0.01 -Seed 1 -Threads 1 -PassThru
            $Training = $DataSet | Start-DlTraining -Classifier $Classifier -PlotPath "$Output/training.png"
            $Evaluation = $DataSet | Measure-DlClassifier -Classifier $Classifier -Split All
            $Matrix = $Evaluation | Get-DlConfusionMatrix -Relative -PlotPath "$Output/confusion.png"
            $Wrong = @($Evaluation | Get-DlImageResult -Misclassified)
            $Heatmaps = @($Evaluation | Get-DlImageResult -First 3 |
                    Show-DlHeatmap -Classifier $Classifier -OutputDirectory "$Output/heatmaps")
            $Saved = $Classifier | Export-DlClassifier -Path "$Output/fashion.dlc" -PassThru
            $Loaded = $Saved | Import-DlClassifier
            $Predictions = @(Get-ChildItem -LiteralPath $Root -Recurse -File -Filter *.png |
                    Sort-Object -Property FullName | Invoke-DlClassifier -Classifier $Loaded)
            $Test = $DataSet | Measure-DlClassifier -Classifier $Loaded -Split Test -WarningVariable TestWarnings
        }

        It 'imports the two classes and splits 6 training, 1 validation and 1 test image of each' {
            $DataSet.ClassNames | Should -Be @('Bag', 'Trouser')
            $DataSet.CountPerClass('Training') | Should -Be @(6, 6)
            $DataSet.CountPerClass('Validation') | Should -Be @(1, 1)
            $DataSet.CountPerClass('Test') | Should -Be @(1, 1)
        }

        It 'creates a classifier for 28x28 grey images' {
            $Classifier.ImageWidth | Should -Be 28
            $Classifier.ImageHeight | Should -Be 28
            $Classifier.ImageChannels | Should -Be 1
        }

        It 'trains two epochs and keeps the best' {
            $Training.History | Should -HaveCount 2
            $Training.BestEpoch | Should -BeIn @(1, 2)
            $lowest = ($Training.History.ValidationError | Measure-Object -Minimum).Minimum
            $Training.BestValidationError | Should -Be $lowest
            Test-DlPngSignature -Path "$Output/training.png" | Should -BeTrue
        }

        It 'evaluates all sixteen images' {
            $Evaluation.ImageCount | Should -Be 16
            ($Evaluation.ConfusionCounts | ForEach-Object { $_ } | Measure-Object -Sum).Sum | Should -Be 16
        }

        It 'draws a relative confusion matrix whose rows sum to 1' {
            foreach ($row in $Matrix.Values) {
                [math]::Abs(($row | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-12
            }
            Test-DlPngSignature -Path "$Output/confusion.png" | Should -BeTrue
        }

        It 'lists as misclassified the images off the diagonal' {
            $correct = $Evaluation.ConfusionCounts[0][0] + $Evaluation.ConfusionCounts[1][1]

            $Wrong | Should -HaveCount (16 - $correct)
        }

        It 'draws a heatmap for each of the three hardest images' {
            $Heatmaps | Should -HaveCount 3
            foreach ($heatmap in $Heatmaps) {
                Test-DlPngSignature -Path $heatmap.OutputPath | Should -BeTrue
            }
        }

        It 'saves and reloads the classifier' {
            $Saved.FullName | Should -Be (Join-Path $Output 'fashion.dlc')
            $Loaded.ClassNames | Should -Be $Classifier.ClassNames
            $Loaded.BestEpoch | Should -Be $Training.BestEpoch
        }

        It 'predicts with the reloaded classifier what the evaluation found' {
            $Predictions | Should -HaveCount 16
            $verdicts = @{}
            foreach ($image in $Evaluation.Images) {
                $verdicts[$image.Path] = $image.PredictedClass
            }

            foreach ($prediction in $Predictions) {
                $prediction.ClassName | Should -BeExactly $verdicts[$prediction.Path] -Because $prediction.Path
            }
        }

        It 'measures the test split of the reloaded classifier once without a warning' {
            $Test.ImageCount | Should -Be 2
            $TestWarnings | Should -HaveCount 0
            $Loaded.TestEvaluatedAt | Should -Not -BeNullOrEmpty
        }
    }
}
