Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $MeasureCommand = 'DlClassifier.PowerShell.Commands.MeasureDlClassifierCommand'
    $ImageResultCommand = 'DlClassifier.PowerShell.Commands.GetDlImageResultCommand'
    $HeatmapCommand = 'DlClassifier.PowerShell.Commands.ShowDlHeatmapCommand'

    # 3 classes x 6 images split 50/25/25: per class 3 training, 2 validation and 1 test image. One short epoch
    # leaves the classifier right about some images and wrong about others.
    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 6; bars = 6; checks = 6 })
    $Unsplit = Import-DlDataSet -Path $DataRoot
    $DataSet = Split-DlDataSet -DataSet $Unsplit -TrainingPercent 50 -ValidationPercent 25
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 1 -BatchSize 4 -LearningRate 0.01 -Seed 5 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet
    $All = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All
    $Validation = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet

    function Get-Trace {
        # The number of correctly classified images: the sum of the confusion matrix's diagonal.
        param([Parameter(Mandatory)] [long[][]] $Counts)

        $sum = 0
        for ($i = 0; $i -lt $Counts.Count; $i++) {
            $sum += $Counts[$i][$i]
        }
        $sum
    }

    function Get-ColumnSum {
        param([Parameter(Mandatory)] [long[][]] $Counts, [Parameter(Mandatory)] [int] $Column)

        ($Counts | ForEach-Object { $_[$Column] } | Measure-Object -Sum).Sum
    }
}

Describe 'Measure-DlClassifier' {
    Context 'parameters' {
        It 'evaluates the <Split> split: <Count> images' -TestCases @(
            @{ Split = 'Validation'; Count = 6 }
            @{ Split = 'Training'; Count = 9 }
            @{ Split = 'All'; Count = 18 }
        ) {
            $evaluation = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split $Split

            $evaluation.Split | Should -Be $Split
            $evaluation.ImageCount | Should -Be $Count
            $evaluation.Images | Should -HaveCount $Count
        }

        It 'evaluates the validation split unless told otherwise' {
            $Validation.Split | Should -Be 'Validation'
            @($Validation.Images.Path | Sort-Object) |
                Should -Be @($DataSet.InSplit('Validation').Path | Sort-Object)
        }

        It 'has confusion counts that add up to the number of images' {
            foreach ($evaluation in $All, $Validation) {
                ($evaluation.ConfusionCounts | ForEach-Object { $_ } | Measure-Object -Sum).Sum |
                    Should -Be $evaluation.ImageCount
            }
        }

        It 'lists the classes of the classifier in its order' {
            $All.ClassNames | Should -Be $Classifier.ClassNames
            $All.PerClass.ClassName | Should -Be $Classifier.ClassNames
        }

        It 'counts as support of each class its images in the split' {
            $Validation.PerClass.Support | Should -Be $DataSet.CountPerClass('Validation')
            $All.PerClass.Support | Should -Be $DataSet.CountPerClass()
        }

        It 'counts as top-1 error the images off the diagonal' {
            $expected = ($All.ImageCount - (Get-Trace -Counts $All.ConfusionCounts)) / $All.ImageCount

            $All.TopOneError | Should -Be $expected
            $All.Accuracy | Should -Be (1 - $expected)
        }

        It 'agrees with its per-image results cell by cell' {
            for ($t = 0; $t -lt $All.ClassNames.Count; $t++) {
                for ($p = 0; $p -lt $All.ClassNames.Count; $p++) {
                    $images = @($All.Images | Where-Object {
                            $_.TrueClass -ceq $All.ClassNames[$t] -and $_.PredictedClass -ceq $All.ClassNames[$p]
                        })
                    $images | Should -HaveCount $All.ConfusionCounts[$t][$p] -Because "cell $t, $p"
                }
            }
        }

        It 'computes precision and recall of each class from the confusion counts' {
            for ($k = 0; $k -lt $All.ClassNames.Count; $k++) {
                $metrics = $All.PerClass[$k]
                $hits = $All.ConfusionCounts[$k][$k]
                $actual = ($All.ConfusionCounts[$k] | Measure-Object -Sum).Sum
                $predicted = Get-ColumnSum -Counts $All.ConfusionCounts -Column $k

                if ($predicted -eq 0) { $metrics.Precision | Should -BeNullOrEmpty }
                else { $metrics.Precision | Should -Be ($hits / $predicted) }
                $metrics.Recall | Should -Be ($hits / $actual)
            }
        }

        It 'gives the harmonic mean of precision and recall as F-score' {
            $defined = $All.PerClass | Where-Object { $null -ne $_.Precision -and $_.Precision + $_.Recall -gt 0 }
            foreach ($metrics in $defined) {
                $expected = 2 * $metrics.Precision * $metrics.Recall / ($metrics.Precision + $metrics.Recall)

                [math]::Abs($metrics.FScore - $expected) | Should -BeLessThan 1e-12
            }
        }

        It 'gives as balanced accuracy the mean recall of the classes' {
            $expected = ($All.PerClass.Recall | Measure-Object -Average).Average

            [math]::Abs($All.BalancedAccuracy - $expected) | Should -BeLessThan 1e-12
        }

        It 'gives each image its true class, its verdict and its loss' {
            $byPath = @{}
            foreach ($sample in $DataSet.Samples) {
                $byPath[$sample.Path] = $sample.ClassName
            }

            foreach ($image in $All.Images) {
                $image.TrueClass | Should -BeExactly $byPath[$image.Path]
                $image.IsCorrect | Should -Be ($image.TrueClass -ceq $image.PredictedClass)
                $image.Confidence | Should -BeGreaterOrEqual $image.TrueClassProbability
                [math]::Abs($image.Loss + [math]::Log([math]::Max($image.TrueClassProbability, 1e-12))) |
                    Should -BeLessThan 1e-9
            }
        }

        It 'gives as log loss the mean loss of the images' {
            $expected = ($All.Images.Loss | Measure-Object -Average).Average

            [math]::Abs($All.LogLoss - $expected) | Should -BeLessThan 1e-9
        }

        It 'is right about some images and wrong about others on this data' {
            # A precondition of the tests of misclassified images below: they would prove little otherwise.
            $trace = Get-Trace -Counts $All.ConfusionCounts

            $trace | Should -BeGreaterThan 0
            $trace | Should -BeLessThan $All.ImageCount
        }
    }

    Context 'pipeline' {
        It 'takes the data set from the pipeline and writes one evaluation' {
            $result = @($DataSet | Measure-DlClassifier -Classifier $Classifier)

            $result | Should -HaveCount 1
            $result[0].ConfusionCounts | Should -Be $Validation.ConfusionCounts
        }
    }

    Context 'progress' {
        It 'completes its progress record' {
            $run = Invoke-DlCommandInOwnPipeline -Name Measure-DlClassifier -Parameter @{
                Classifier = $Classifier; DataSet = $DataSet; Split = 'All'
            }

            $run.Output | Should -HaveCount 1
            $run.Progress | Should -Not -BeNullOrEmpty
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }

    Context 'the test split' {
        It 'warns when the test split is evaluated a second time' {
            $classifier = New-DlClassifier -DataSet $DataSet

            $first = Measure-DlClassifier -Classifier $classifier -DataSet $DataSet -Split Test -WarningVariable early `
                -WarningAction SilentlyContinue
            $null = Measure-DlClassifier -Classifier $classifier -DataSet $DataSet -Split Test -WarningVariable late `
                -WarningAction SilentlyContinue

            $first.ImageCount | Should -Be 3
            $early | Should -HaveCount 0
            $late | Should -HaveCount 1
            "$($late[0])" | Should -BeLike '*already evaluated on the test set*'
        }

        It 'does not warn for repeated validation measurements' {
            $classifier = New-DlClassifier -DataSet $DataSet

            $null = Measure-DlClassifier -Classifier $classifier -DataSet $DataSet
            $null = Measure-DlClassifier -Classifier $classifier -DataSet $DataSet -WarningVariable warnings

            $warnings | Should -HaveCount 0
        }
    }

    Context 'errors' {
        It 'throws SplitEmpty for the <Split> split of an unsplit data set' -TestCases @(
            @{ Split = 'Validation' }
            @{ Split = 'Test' }
            @{ Split = 'Training' }
        ) {
            { Measure-DlClassifier -Classifier $Classifier -DataSet $Unsplit -Split $Split } |
                Should -Throw -ErrorId "SplitEmpty,$MeasureCommand"
        }

        It 'evaluates every image of an unsplit data set with -Split All' {
            (Measure-DlClassifier -Classifier $Classifier -DataSet $Unsplit -Split All).ImageCount | Should -Be 18
        }

        It 'throws ImageUnreadable naming an image that was removed after the import' {
            $root = New-DlTestDataSet -Path "$TestDrive/moved" -ClassCount ([ordered]@{ stripes = 2; bars = 2 })
            $moved = Import-DlDataSet -Path $root
            $gone = Join-Path $root 'bars/bars_001.png'
            Remove-Item -LiteralPath $gone

            $thrown = { Measure-DlClassifier -Classifier $Classifier -DataSet $moved -Split All } |
                Should -Throw -ErrorId "ImageUnreadable,$MeasureCommand" -PassThru

            $thrown.Exception.Message | Should -BeLike "*$gone*"
        }

        It 'throws ClassUnknown for a class the classifier does not know' {
            $root = New-DlTestDataSet -Path "$TestDrive/strangers" -ClassCount ([ordered]@{ stripes = 2; waves = 2 })
            $strangers = Import-DlDataSet -Path $root

            { Measure-DlClassifier -Classifier $Classifier -DataSet $strangers -Split All } |
                Should -Throw -ErrorId "ClassUnknown,$MeasureCommand"
        }
    }
}

Describe 'Get-DlConfusionMatrix' {
    Context 'parameters' {
        It 'holds the counts and class names of the evaluation' {
            $matrix = Get-DlConfusionMatrix -Evaluation $All

            $matrix.ClassNames | Should -Be $All.ClassNames
            for ($t = 0; $t -lt $matrix.ClassNames.Count; $t++) {
                $matrix.Counts[$t] | Should -Be $All.ConfusionCounts[$t]
                $matrix.Values[$t] | Should -Be $All.ConfusionCounts[$t]
            }
            $matrix.IsRelative | Should -BeFalse
        }

        It 'has row sums equal to the support of each class' {
            $matrix = Get-DlConfusionMatrix -Evaluation $All

            for ($t = 0; $t -lt $matrix.ClassNames.Count; $t++) {
                ($matrix.Counts[$t] | Measure-Object -Sum).Sum | Should -Be $All.PerClass[$t].Support
            }
        }

        It 'divides each row by its total with -Relative' {
            $matrix = Get-DlConfusionMatrix -Evaluation $All -Relative

            $matrix.IsRelative | Should -BeTrue
            for ($t = 0; $t -lt $matrix.ClassNames.Count; $t++) {
                $total = ($matrix.Counts[$t] | Measure-Object -Sum).Sum
                [math]::Abs(($matrix.Values[$t] | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-12
                for ($p = 0; $p -lt $matrix.ClassNames.Count; $p++) {
                    $matrix.Values[$t][$p] | Should -Be ($matrix.Counts[$t][$p] / $total)
                }
            }
        }

        It 'leaves a row of zeros for a class without images with -Relative' {
            # One image of 'lone' rounds to no validation image at 25 percent.
            $root = New-DlTestDataSet -Path "$TestDrive/lopsided" -ClassCount ([ordered]@{ full = 4; lone = 1 })
            $lopsided = Import-DlDataSet -Path $root |
                Split-DlDataSet -TrainingPercent 50 -ValidationPercent 25 -WarningAction SilentlyContinue
            $evaluation = Measure-DlClassifier -Classifier (New-DlClassifier -DataSet $lopsided) -DataSet $lopsided `
                -WarningAction SilentlyContinue

            $matrix = Get-DlConfusionMatrix -Evaluation $evaluation -Relative

            $matrix.Values[1] | Should -Be @(0, 0)
            ($matrix.Values[0] | Measure-Object -Sum).Sum | Should -Be 1
        }

        It 'lists the confused pairs, most images first, with their share of the true class' {
            $matrix = Get-DlConfusionMatrix -Evaluation $All
            $wrong = $All.ImageCount - (Get-Trace -Counts $All.ConfusionCounts)

            # Count is also the array's own property, so the pairs' counts are read one by one.
            $counts = @($matrix.MostConfused | ForEach-Object { $_.Count })
            ($counts | Measure-Object -Sum).Sum | Should -Be $wrong
            $counts | Should -Be @($counts | Sort-Object -Descending)
            foreach ($pair in $matrix.MostConfused) {
                $t = [array]::IndexOf($matrix.ClassNames, $pair.TrueClass)
                $p = [array]::IndexOf($matrix.ClassNames, $pair.PredictedClass)
                $t | Should -Not -Be $p
                $pair.Count | Should -Be $matrix.Counts[$t][$p]
                $pair.Fraction | Should -Be ($pair.Count / $All.PerClass[$t].Support)
            }
        }

        It 'writes a PNG with -PlotPath' {
            $path = Join-Path $TestDrive 'plots/confusion.png'

            $null = Get-DlConfusionMatrix -Evaluation $All -Relative -PlotPath $path

            Test-DlPngSignature -Path $path | Should -BeTrue
        }

        It 'resolves a relative -PlotPath against the current location' {
            Push-Location -LiteralPath $TestDrive
            try {
                $null = Get-DlConfusionMatrix -Evaluation $All -PlotPath ./relative-confusion.png
            }
            finally {
                Pop-Location
            }

            Test-DlPngSignature -Path (Join-Path $TestDrive 'relative-confusion.png') | Should -BeTrue
        }

        It 'shows as text a table with every class name' {
            $text = "$(Get-DlConfusionMatrix -Evaluation $All)"

            foreach ($name in $All.ClassNames) {
                $text | Should -Match ([regex]::Escape($name))
            }
        }
    }

    Context 'pipeline' {
        It 'writes one matrix per piped evaluation' {
            $result = @($All, $Validation | Get-DlConfusionMatrix)

            $result | Should -HaveCount 2
            ($result[1].Counts | ForEach-Object { $_ } | Measure-Object -Sum).Sum | Should -Be $Validation.ImageCount
        }
    }
}

Describe 'Get-DlImageResult' {
    Context 'parameters' {
        It 'returns every image, highest loss first' {
            $results = @(Get-DlImageResult -Evaluation $All)

            $results | Should -HaveCount $All.ImageCount
            @($results.Loss) | Should -Be @($All.Images.Loss | Sort-Object -Descending)
        }

        It 'returns only wrong images with -Misclassified, as many as lie off the diagonal' {
            $results = @(Get-DlImageResult -Evaluation $All -Misclassified)

            $results | Should -HaveCount ($All.ImageCount - (Get-Trace -Counts $All.ConfusionCounts))
            foreach ($result in $results) {
                $result.IsCorrect | Should -BeFalse
                $result.PredictedClass | Should -Not -BeExactly $result.TrueClass
            }
        }

        It 'returns the images of one true class with -TrueClass <Name>' -TestCases @(
            @{ Name = 'bars' }
            @{ Name = 'checks' }
            @{ Name = 'stripes' }
        ) {
            $k = [array]::IndexOf($All.ClassNames, $Name)

            $results = @(Get-DlImageResult -Evaluation $All -TrueClass $Name)

            $results | Should -HaveCount $All.PerClass[$k].Support
            @($results | Where-Object TrueClass -CNE $Name) | Should -HaveCount 0
        }

        It 'returns the images predicted as one class with -PredictedClass <Name>' -TestCases @(
            @{ Name = 'bars' }
            @{ Name = 'checks' }
            @{ Name = 'stripes' }
        ) {
            $k = [array]::IndexOf($All.ClassNames, $Name)

            $results = @(Get-DlImageResult -Evaluation $All -PredictedClass $Name)

            $results | Should -HaveCount (Get-ColumnSum -Counts $All.ConfusionCounts -Column $k)
        }

        It 'returns one confusion cell with -TrueClass and -PredictedClass' {
            foreach ($t in 0..2) {
                foreach ($p in 0..2) {
                    $results = @(Get-DlImageResult -Evaluation $All -TrueClass $All.ClassNames[$t] `
                            -PredictedClass $All.ClassNames[$p])

                    $results | Should -HaveCount $All.ConfusionCounts[$t][$p]
                }
            }
        }

        It 'matches class names without regard to case' {
            @(Get-DlImageResult -Evaluation $All -TrueClass 'STRIPES') | Should -HaveCount 6
        }

        It 'returns the <First> images of highest loss with -First <First>' -TestCases @(
            @{ First = 1 }
            @{ First = 3 }
            @{ First = 100 }
        ) {
            $results = @(Get-DlImageResult -Evaluation $All -First $First)

            $expected = @($All.Images.Loss | Sort-Object -Descending | Select-Object -First $First)
            @($results.Loss) | Should -Be $expected
        }
    }

    Context 'pipeline' {
        It 'takes the evaluation from the pipeline' {
            @($Validation | Get-DlImageResult) | Should -HaveCount $Validation.ImageCount
        }
    }

    Context 'errors' {
        It 'writes a ClassUnknown error naming an unknown class' {
            $results = @(Get-DlImageResult -Evaluation $All -TrueClass 'waves' -ErrorVariable problems `
                    -ErrorAction SilentlyContinue)

            $results | Should -HaveCount 0
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ClassUnknown,$ImageResultCommand"
            $problems[0].TargetObject | Should -Be 'waves'
        }

        It 'rejects -First 0 by parameter validation' {
            { Get-DlImageResult -Evaluation $All -First 0 } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$ImageResultCommand"
        }
    }
}

Describe 'Show-DlHeatmap' {
    BeforeAll {
        $Images = @($DataSet.Samples | Select-Object -First 2 -ExpandProperty Path) +
            @($DataSet.Samples | Select-Object -Last 1 -ExpandProperty Path)
    }

    Context 'parameters' {
        It 'explains each image with a PNG and a map the size of the network input' {
            $output = Join-Path $TestDrive 'heat/basic'

            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $Images -OutputDirectory $output)

            $heatmaps | Should -HaveCount 3
            for ($i = 0; $i -lt 3; $i++) {
                $heatmaps[$i].Path | Should -Be $Images[$i]
                Test-DlPngSignature -Path $heatmaps[$i].OutputPath | Should -BeTrue
                Split-Path -Path $heatmaps[$i].OutputPath -Parent | Should -Be $output
                $heatmaps[$i].Width | Should -Be $Classifier.ImageWidth
                $heatmaps[$i].Height | Should -Be $Classifier.ImageHeight
                $heatmaps[$i].Values | Should -HaveCount ($Classifier.ImageWidth * $Classifier.ImageHeight)
            }
        }

        It 'scales each map to 0..1 with its largest value at 1 unless uniform' {
            $heatmaps = Show-DlHeatmap -Classifier $Classifier -Path $Images -OutputDirectory "$TestDrive/heat/scale"

            foreach ($heatmap in $heatmaps) {
                $range = $heatmap.Values | Measure-Object -Minimum -Maximum
                $range.Minimum | Should -BeGreaterOrEqual 0
                $range.Maximum | Should -Be $(if ($heatmap.IsUniform) { 0 } else { 1 })
            }
        }

        It 'explains the predicted class, as Invoke-DlClassifier predicts it, by default' {
            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $Images -OutputDirectory "$TestDrive/heat/pred")
            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)

            for ($i = 0; $i -lt 3; $i++) {
                $heatmaps[$i].TargetClass | Should -BeExactly $heatmaps[$i].PredictedClass
                $heatmaps[$i].PredictedClass | Should -BeExactly $predictions[$i].ClassName
                [math]::Abs($heatmaps[$i].Confidence - $predictions[$i].Confidence) | Should -BeLessThan 1e-5
            }
        }

        It 'explains the class named by -ClassName' {
            $heatmaps = Show-DlHeatmap -Classifier $Classifier -Path $Images -OutputDirectory "$TestDrive/heat/named" `
                -ClassName 'checks'

            $heatmaps.TargetClass | Should -Be @('checks', 'checks', 'checks')
        }

        It 'writes two files for two images of the same name from different folders' {
            $first = New-DlTestPng -Path "$TestDrive/twins/left/part.png" -Width 16 -Height 16 -Fill 30
            $second = New-DlTestPng -Path "$TestDrive/twins/right/part.png" -Width 16 -Height 16 -Fill 220

            # Both images are one grey level, so their maps are uniform and warned about.
            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $first, $second `
                    -OutputDirectory "$TestDrive/heat/twins" -WarningAction SilentlyContinue)

            $heatmaps | Should -HaveCount 2
            $heatmaps[0].OutputPath | Should -Not -Be $heatmaps[1].OutputPath
            $heatmaps[0].OutputPath | Should -Exist
            $heatmaps[1].OutputPath | Should -Exist
            @(Get-ChildItem -LiteralPath "$TestDrive/heat/twins" -File) | Should -HaveCount 2
        }

        It 'creates the output folder, resolving a relative one against the current location' {
            Push-Location -LiteralPath $TestDrive
            try {
                $heatmap = Show-DlHeatmap -Classifier $Classifier -Path $Images[0] -OutputDirectory ./heat/relative/deep
            }
            finally {
                Pop-Location
            }

            Split-Path -Path $heatmap.OutputPath -Parent | Should -Be (Join-Path $TestDrive 'heat/relative/deep')
            $heatmap.OutputPath | Should -Exist
        }

        It 'expands a wildcard path' {
            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path (Join-Path $DataRoot 'bars/*.png') `
                    -OutputDirectory "$TestDrive/heat/wild")

            $heatmaps | Should -HaveCount 6
        }

        It 'takes a file name with brackets literally with -LiteralPath' {
            $file = New-DlTestPng -Path (Join-Path $TestDrive 'odd/part [2].png') -Width 16 -Height 16

            $heatmap = Show-DlHeatmap -Classifier $Classifier -LiteralPath $file `
                -OutputDirectory "$TestDrive/heat/odd" -WarningAction SilentlyContinue

            $heatmap.Path | Should -Be $file
            Test-Path -LiteralPath $heatmap.OutputPath | Should -BeTrue
        }
    }

    Context 'progress' {
        It 'completes its progress record' {
            $run = Invoke-DlCommandInOwnPipeline -Name Show-DlHeatmap -Parameter @{
                Classifier = $Classifier; Path = $Images; OutputDirectory = "$TestDrive/heat/progress"
            }

            $run.Output | Should -HaveCount 3
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }

    Context 'pipeline' {
        It 'writes one heatmap per path from the pipeline' {
            $heatmaps = @($Images | Show-DlHeatmap -Classifier $Classifier -OutputDirectory "$TestDrive/heat/strings")

            $heatmaps | Should -HaveCount 3
            $heatmaps.Path | Should -Be $Images
        }

        It 'takes the files that Get-ChildItem writes' {
            $heatmaps = @(Get-ChildItem -LiteralPath (Join-Path $DataRoot 'checks') -File |
                    Show-DlHeatmap -Classifier $Classifier -OutputDirectory "$TestDrive/heat/files")

            $heatmaps | Should -HaveCount 6
            @(Get-ChildItem -LiteralPath "$TestDrive/heat/files" -File) | Should -HaveCount 6
        }

        It 'takes a piped file whose name holds brackets literally' {
            $file = New-DlTestPng -Path (Join-Path $TestDrive 'odd/we[ir]d name.png') -Width 16 -Height 16

            $heatmaps = @(Get-Item -LiteralPath $file | Show-DlHeatmap -Classifier $Classifier `
                    -OutputDirectory "$TestDrive/heat/piped-odd" -ErrorVariable problems `
                    -WarningAction SilentlyContinue)

            $problems | Should -HaveCount 0
            $heatmaps | Should -HaveCount 1
            $heatmaps[0].Path | Should -Be $file
        }

        It 'takes the image results of an evaluation by their path' {
            $heatmaps = @(Get-DlImageResult -Evaluation $All -First 2 |
                    Show-DlHeatmap -Classifier $Classifier -OutputDirectory "$TestDrive/heat/results")

            $heatmaps | Should -HaveCount 2
        }
    }

    Context 'errors' {
        It 'throws ClassUnknown for a class the classifier does not know' {
            { Show-DlHeatmap -Classifier $Classifier -Path $Images[0] -OutputDirectory "$TestDrive/heat/x" `
                    -ClassName 'waves' } |
                Should -Throw -ErrorId "ClassUnknown,$HeatmapCommand"
        }

        It 'creates no output folder when -ClassName is unknown' {
            $output = Join-Path $TestDrive 'heat/refused'

            { Show-DlHeatmap -Classifier $Classifier -Path $Images[0] -OutputDirectory $output -ClassName 'waves' } |
                Should -Throw

            $output | Should -Not -Exist
        }

        It 'throws WriteFailed when the output folder is a file' {
            $file = Join-Path $TestDrive 'heat-is-a-file'
            $null = New-Item -Path $file -ItemType File -Force

            $thrown = { Show-DlHeatmap -Classifier $Classifier -Path $Images[0] -OutputDirectory $file } |
                Should -Throw -ErrorId "WriteFailed,$HeatmapCommand" -PassThru

            $thrown.TargetObject | Should -Be $file
        }

        It 'writes an ImageUnreadable error for an unreadable file and explains the others' {
            $broken = Join-Path $TestDrive 'broken/x.png'
            $null = New-Item -Path $broken -ItemType File -Force -Value 'not a picture'

            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $Images[0], $broken, $Images[1] `
                    -OutputDirectory "$TestDrive/heat/broken" -ErrorVariable problems -ErrorAction SilentlyContinue)

            $heatmaps | Should -HaveCount 2
            $heatmaps.Path | Should -Be @($Images[0], $Images[1])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ImageUnreadable,$HeatmapCommand"
            $problems[0].TargetObject | Should -Be $broken
        }

        It 'writes an ImageTooLarge error for a file declaring 12000 x 12000 and explains the others' {
            $bomb = New-DlShortPng -Path (Join-Path $TestDrive 'bomb/big.png') -Width 12000 -Height 12000

            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $bomb, $Images[0] `
                    -OutputDirectory "$TestDrive/heat/bomb" -ErrorVariable problems -ErrorAction SilentlyContinue)

            $heatmaps.Path | Should -Be @($Images[0])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ImageTooLarge,$HeatmapCommand"
            $problems[0].TargetObject | Should -Be $bomb
            $problems[0].ToString() | Should -BeLike '*limit of 100,000,000 pixels*raise -MaxPixels.'
        }

        It 'writes a PathNotFound error for a missing file and explains the others' {
            $missing = Join-Path $TestDrive 'nowhere.png'

            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $missing, $Images[0] `
                    -OutputDirectory "$TestDrive/heat/missing" -ErrorVariable problems -ErrorAction SilentlyContinue)

            $heatmaps | Should -HaveCount 1
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$HeatmapCommand"
            $problems[0].TargetObject | Should -Be $missing
        }
    }
}

Describe 'Measure-DlClassifier top-k and weighted figures' {
    Context 'parameters' {
        It 'uses k = 3 by default and <K> with -TopK <K>, clamped to the class count' -TestCases @(
            @{ K = 1; Expected = 1 }
            @{ K = 2; Expected = 2 }
            @{ K = 7; Expected = 3 }
        ) {
            $All.TopK | Should -Be 3
            (Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All -TopK $K).TopK |
                Should -Be $Expected
        }

        It 'gives the top-1 error as top-k error with -TopK 1 and no error with every class' {
            $one = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All -TopK 1

            $one.TopKError | Should -Be $one.TopOneError
            $All.TopKError | Should -Be 0
        }

        It 'weighs recall by support, which makes it the accuracy' {
            [math]::Abs($All.WeightedRecall - $All.Accuracy) | Should -BeLessThan 1e-12
        }

        It 'weighs precision by support over the classes where it is defined' {
            $defined = @($All.PerClass | Where-Object { $null -ne $_.Precision })
            $expected = ($defined | ForEach-Object { $_.Precision * $_.Support } | Measure-Object -Sum).Sum /
                ($defined.Support | Measure-Object -Sum).Sum

            [math]::Abs($All.WeightedPrecision - $expected) | Should -BeLessThan 1e-12
        }
    }

    Context 'errors' {
        It 'rejects -TopK 0 by parameter validation' {
            { Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -TopK 0 } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$MeasureCommand"
        }
    }
}

Describe 'Measure-DlClassifier on a folder' {
    Context 'parameters' {
        It 'evaluates every image below the folder, classes matched by name' {
            # Two of the classifier's three classes, in another order than the classifier's.
            $root = New-DlTestDataSet -Path "$TestDrive/newfolder" -ClassCount ([ordered]@{ stripes = 2; bars = 3 }) `
                -Seed 9

            $evaluation = Measure-DlClassifier -Classifier $Classifier -Path $root -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $evaluation.Split | Should -Be 'Folder'
            $evaluation.ImageCount | Should -Be 5
            $evaluation.ClassNames | Should -Be $Classifier.ClassNames
            $support = @{}
            $evaluation.PerClass | ForEach-Object { $support[$_.ClassName] = $_.Support }
            $support['stripes'] | Should -Be 2
            $support['bars'] | Should -Be 3
            $support['checks'] | Should -Be 0
            @($evaluation.Images | Where-Object TrueClass -CEQ 'bars') | Should -HaveCount 3
            @($warnings | Where-Object { "$_" -like "*'checks' has no image in*left out of the averages*" }) |
                Should -HaveCount 1
        }

        It 'resolves a relative -LiteralPath against the current location' {
            $null = New-DlTestDataSet -Path "$TestDrive/relative folder" -ClassCount ([ordered]@{ checks = 2 })
            Push-Location -LiteralPath $TestDrive
            try {
                $evaluation = Measure-DlClassifier -Classifier $Classifier -LiteralPath './relative folder' `
                    -WarningAction SilentlyContinue
            }
            finally {
                Pop-Location
            }

            $evaluation.ImageCount | Should -Be 2
        }

        It 'warns when the evaluated classes are imbalanced more than 10:1' {
            $root = New-DlTestDataSet -Path "$TestDrive/lopsided-folder" -ClassCount ([ordered]@{
                    stripes = 11; bars = 1; checks = 2
                })

            $null = Measure-DlClassifier -Classifier $Classifier -Path $root -WarningVariable warnings `
                -WarningAction SilentlyContinue

            @($warnings | Where-Object { "$_" -like '*imbalanced 11:1*stripes*bars*' }) | Should -HaveCount 1
        }

        It 'does not warn of imbalance at 10:1' {
            $root = New-DlTestDataSet -Path "$TestDrive/ten-to-one" -ClassCount ([ordered]@{
                    stripes = 10; bars = 1; checks = 1
                })

            $null = Measure-DlClassifier -Classifier $Classifier -Path $root -WarningVariable warnings

            $warnings | Should -HaveCount 0
        }
    }

    Context 'errors' {
        It 'throws ClassUnknown naming a class the classifier does not know' {
            $root = New-DlTestDataSet -Path "$TestDrive/unknown-folder" -ClassCount ([ordered]@{ bars = 2; waves = 2 })

            $thrown = { Measure-DlClassifier -Classifier $Classifier -Path $root } |
                Should -Throw -ErrorId "ClassUnknown,$MeasureCommand" -PassThru

            $thrown.TargetObject | Should -Be 'waves'
            $thrown.Exception.Message | Should -BeLike "*'waves'*"
        }

        It 'throws DataSetInvalid for a folder without class folders' {
            $empty = New-Item -Path "$TestDrive/no-classes" -ItemType Directory -Force

            { Measure-DlClassifier -Classifier $Classifier -Path $empty.FullName } |
                Should -Throw -ErrorId "DataSetInvalid,$MeasureCommand"
        }

        It 'writes a PathNotFound error for a missing folder' {
            $result = @(Measure-DlClassifier -Classifier $Classifier -Path "$TestDrive/not-there" `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $result | Should -HaveCount 0
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$MeasureCommand"
        }

        It 'does not take -Split with -Path' {
            { Measure-DlClassifier -Classifier $Classifier -Path $DataRoot -Split Test } |
                Should -Throw -ErrorId "AmbiguousParameterSet,$MeasureCommand"
        }
    }
}

Describe 'Get-DlConfusionMatrix -CsvPath' {
    Context 'parameters' {
        It 'writes a TrueClass column and one column per predicted class, counts as in the matrix' {
            $path = Join-Path $TestDrive 'csv/confusion.csv'

            $matrix = Get-DlConfusionMatrix -Evaluation $All -CsvPath $path
            $rows = @(Import-Csv -LiteralPath $path)

            $rows | Should -HaveCount 3
            @($rows[0].PSObject.Properties.Name) | Should -Be (@('TrueClass') + $All.ClassNames)
            for ($t = 0; $t -lt 3; $t++) {
                $rows[$t].TrueClass | Should -BeExactly $All.ClassNames[$t]
                for ($p = 0; $p -lt 3; $p++) {
                    [long] $rows[$t].($All.ClassNames[$p]) | Should -Be $matrix.Counts[$t][$p]
                }
            }
        }

        It 'writes row fractions with -Relative' {
            $path = Join-Path $TestDrive 'csv/relative.csv'

            $matrix = Get-DlConfusionMatrix -Evaluation $All -Relative -CsvPath $path
            $rows = @(Import-Csv -LiteralPath $path)

            for ($t = 0; $t -lt 3; $t++) {
                for ($p = 0; $p -lt 3; $p++) {
                    [double]::Parse($rows[$t].($All.ClassNames[$p]), [cultureinfo]::InvariantCulture) |
                        Should -Be $matrix.Values[$t][$p]
                }
            }
        }
    }

    Context 'errors' {
        It 'writes a WriteFailed error when the CSV path is a folder and still returns the matrix' {
            $folder = New-Item -Path "$TestDrive/csv-folder" -ItemType Directory -Force

            $matrix = Get-DlConfusionMatrix -Evaluation $All -CsvPath $folder.FullName -ErrorVariable problems `
                -ErrorAction SilentlyContinue

            $matrix | Should -Not -BeNullOrEmpty
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'WriteFailed,*'
        }
    }
}

Describe 'Get-DlImageResult -SuspectedLabelError' {
    Context 'parameters' {
        It 'returns the misclassified images with a confidence of at least <Min>, most confident first' -TestCases @(
            @{ Min = 0.0 }
            @{ Min = 0.5 }
            @{ Min = 0.9 }
        ) {
            $expected = @($All.Images | Where-Object { -not $_.IsCorrect -and [float] $_.Confidence -ge [float] $Min })

            $results = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence $Min)

            $results | Should -HaveCount $expected.Count
            foreach ($result in $results) {
                $result.IsCorrect | Should -BeFalse
                $result.Confidence | Should -BeGreaterOrEqual $Min
            }
            # Read one by one: under strict mode, member access on an empty array fails.
            $confidences = @($results | ForEach-Object { $_.Confidence })
            $confidences | Should -Be @($confidences | Sort-Object -Descending)
        }

        It 'uses 0.9 as least confidence by default' {
            $default = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError)
            $explicit = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence 0.9)

            @($default | ForEach-Object { $_.Path }) | Should -Be @($explicit | ForEach-Object { $_.Path })
        }

        It 'combines with -TrueClass and -First' {
            # PowerShell names are case-insensitive, so this list must not be called $all.
            $suspects = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence 0)
            $name = $All.ClassNames[0]

            $results = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence 0 -TrueClass $name `
                    -First 1)

            $results | Should -HaveCount ([math]::Min(1, @($suspects | Where-Object TrueClass -CEQ $name).Count))
        }

        It 'gives results whose paths pipe on to file cmdlets' {
            $results = @(Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence 0)

            $results | Should -Not -BeNullOrEmpty
            @($results | Get-Item) | Should -HaveCount $results.Count
        }
    }

    Context 'errors' {
        It 'rejects -MinConfidence <Value> by parameter validation' -TestCases @(
            @{ Value = -0.1 }
            @{ Value = 1.5 }
        ) {
            { Get-DlImageResult -Evaluation $All -SuspectedLabelError -MinConfidence $Value } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$ImageResultCommand"
        }

        It 'does not take -MinConfidence without -SuspectedLabelError' {
            # -MinConfidence selects the parameter set whose -SuspectedLabelError is mandatory.
            { Get-DlImageResult -Evaluation $All -MinConfidence 0.5 } |
                Should -Throw -ErrorId "MissingMandatoryParameter,$ImageResultCommand"
        }
    }
}

Describe 'Export-DlImageTile' {
    BeforeAll {
        $TileCommand = 'DlClassifier.PowerShell.Commands.ExportDlImageTileCommand'

        function Get-DlPngSize {
            # A PNG's width and height are the first two big-endian 32-bit numbers of its IHDR chunk, at byte 16.
            param([Parameter(Mandatory)] [string] $Path)

            $bytes = [System.IO.File]::ReadAllBytes($Path)
            [pscustomobject]@{
                Width  = [System.Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 16))
                Height = [System.Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 20))
            }
        }
    }

    Context 'parameters' {
        It 'writes a PNG of <Columns> columns for 3 results: <Width> x <Height> pixels' -TestCases @(
            # A cell is a 128-pixel box with 6 pixels around it, plus two 16-pixel caption lines.
            @{ Columns = 8; Width = 3 * 140; Height = 172 }
            @{ Columns = 2; Width = 2 * 140; Height = 2 * 172 }
            @{ Columns = 1; Width = 140; Height = 3 * 172 }
        ) {
            $path = Join-Path $TestDrive "tiles/$Columns.png"

            Get-DlImageResult -Evaluation $All -First 3 | Export-DlImageTile -Path $path -Columns $Columns

            Test-DlPngSignature -Path $path | Should -BeTrue
            $size = Get-DlPngSize -Path $path
            $size.Width | Should -Be $Width
            $size.Height | Should -Be $Height
        }

        It 'takes files and path strings as well as results' {
            $files = @(Get-ChildItem -LiteralPath (Join-Path $DataRoot 'bars') -File | Select-Object -First 2)
            $path = Join-Path $TestDrive 'tiles/files.png'

            $written = @($files; $files[0].FullName) | Export-DlImageTile -Path $path -PassThru

            $written.FullName | Should -Be $path
            # Captioned with the file name alone: one line.
            (Get-DlPngSize -Path $path).Width | Should -Be (3 * 140)
            (Get-DlPngSize -Path $path).Height | Should -Be 156
        }

        It 'writes nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'tiles/whatif.png'

            Get-DlImageResult -Evaluation $All -First 2 | Export-DlImageTile -Path $path -WhatIf

            $path | Should -Not -Exist
        }

        It 'replaces an existing file with -Force' {
            $path = Join-Path $TestDrive 'tiles/again.png'
            Get-DlImageResult -Evaluation $All -First 1 | Export-DlImageTile -Path $path

            Get-DlImageResult -Evaluation $All -First 2 | Export-DlImageTile -Path $path -Force

            (Get-DlPngSize -Path $path).Width | Should -Be (2 * 140)
        }
    }

    Context 'errors' {
        It 'throws FileExists for an existing file without -Force' {
            $path = Join-Path $TestDrive 'tiles/exists.png'
            $null = New-Item -Path $path -ItemType File -Force -Value 'keep me'

            { Get-DlImageResult -Evaluation $All -First 1 | Export-DlImageTile -Path $path } |
                Should -Throw -ErrorId "FileExists,$TileCommand"
            Get-Content -LiteralPath $path -Raw | Should -Be 'keep me'
        }

        It 'throws WriteFailed when the path is a folder' {
            $folder = New-Item -Path "$TestDrive/tiles-folder" -ItemType Directory -Force

            { Get-DlImageResult -Evaluation $All -First 1 | Export-DlImageTile -Path $folder.FullName } |
                Should -Throw -ErrorId "WriteFailed,$TileCommand"
        }

        It 'writes an ImageUnreadable error for an unreadable file and tiles the others' {
            $broken = Join-Path $TestDrive 'tiles-broken/x.png'
            $null = New-Item -Path $broken -ItemType File -Force -Value 'not a picture'
            $good = $DataSet.Samples[0].Path
            $path = Join-Path $TestDrive 'tiles/broken.png'

            $good, $broken | Export-DlImageTile -Path $path -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ImageUnreadable,$TileCommand"
            (Get-DlPngSize -Path $path).Width | Should -Be 140
        }

        It 'writes a ParameterInvalid error for an object without a path' {
            $path = Join-Path $TestDrive 'tiles/pathless.png'

            [pscustomobject]@{ Name = 'x' } | Export-DlImageTile -Path $path -ErrorVariable problems `
                -ErrorAction SilentlyContinue

            $problems[0].FullyQualifiedErrorId | Should -Be "ParameterInvalid,$TileCommand"
            $path | Should -Not -Exist
        }
    }
}

Describe 'Show-DlHeatmap -Method' {
    BeforeAll {
        $Image = $DataSet.Samples[0].Path
    }

    Context 'parameters' {
        It 'makes a <Method> map scaled to 0..1 and names its method' -TestCases @(
            @{ Method = 'GradCam' }
            @{ Method = 'Occlusion' }
        ) {
            $heatmap = Show-DlHeatmap -Classifier $Classifier -Path $Image -OutputDirectory "$TestDrive/m/$Method" `
                -Method $Method

            $heatmap.Method | Should -Be $Method
            $heatmap.Values | Should -HaveCount ($Classifier.ImageWidth * $Classifier.ImageHeight)
            $range = $heatmap.Values | Measure-Object -Minimum -Maximum
            $range.Minimum | Should -BeGreaterOrEqual 0
            $range.Maximum | Should -Be $(if ($heatmap.IsUniform) { 0 } else { 1 })
            Test-DlPngSignature -Path $heatmap.OutputPath | Should -BeTrue
        }

        It 'uses Grad-CAM by default' {
            (Show-DlHeatmap -Classifier $Classifier -Path $Image -OutputDirectory "$TestDrive/m/default").Method |
                Should -Be 'GradCam'
        }

        It 'takes -WindowSize and -Stride for occlusion' {
            $heatmap = Show-DlHeatmap -Classifier $Classifier -Path $Image -OutputDirectory "$TestDrive/m/window" `
                -Method Occlusion -WindowSize 5 -Stride 3

            $heatmap.Values | Where-Object { [double]::IsNaN($_) } | Should -BeNullOrEmpty
        }

        It 'gives an image of one grey level an all-zero uniform <Method> map with a warning' -TestCases @(
            @{ Method = 'GradCam' }
            @{ Method = 'Occlusion' }
        ) {
            $flat = New-DlTestPng -Path "$TestDrive/flat/$Method.png" -Width 16 -Height 16 -Fill 77

            $heatmap = Show-DlHeatmap -Classifier $Classifier -Path $flat -OutputDirectory "$TestDrive/m/flat" `
                -Method $Method -WarningVariable warnings -WarningAction SilentlyContinue

            $heatmap.IsUniform | Should -BeTrue
            @($heatmap.Values | Where-Object { $_ -ne 0 }) | Should -HaveCount 0
            @($warnings | Where-Object { "$_" -like '*is uniform*' }) | Should -HaveCount 1
        }

        It 'explains many piped images with occlusion and completes its progress' {
            $run = Invoke-DlCommandInOwnPipeline -Name Show-DlHeatmap -Parameter @{
                Classifier = $Classifier; Path = @($DataSet.Samples[0..2].Path)
                OutputDirectory = "$TestDrive/m/progress"; Method = 'Occlusion'
            }

            $run.Output | Should -HaveCount 3
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }

    Context 'errors' {
        It 'throws ParameterInvalid for -WindowSize with Grad-CAM' {
            { Show-DlHeatmap -Classifier $Classifier -Path $Image -OutputDirectory "$TestDrive/m/bad" -WindowSize 4 } |
                Should -Throw -ErrorId "ParameterInvalid,$HeatmapCommand"
        }

        It 'rejects -Stride 0 by parameter validation' {
            { Show-DlHeatmap -Classifier $Classifier -Path $Image -OutputDirectory "$TestDrive/m/bad" `
                    -Method Occlusion -Stride 0 } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$HeatmapCommand"
        }
    }
}
