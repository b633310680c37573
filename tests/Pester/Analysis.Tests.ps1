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

            $heatmaps = @(Show-DlHeatmap -Classifier $Classifier -Path $first, $second `
                    -OutputDirectory "$TestDrive/heat/twins")

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

            $heatmap = Show-DlHeatmap -Classifier $Classifier -LiteralPath $file -OutputDirectory "$TestDrive/heat/odd"

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
