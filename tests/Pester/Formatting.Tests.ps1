Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
}

Describe 'DlClassifier.Format.ps1xml' {
    BeforeAll {
        # Two classes of ten images and one epoch: enough for every output type to exist, in a few seconds.
        $imageRoot = Join-Path $TestDrive 'images'
        foreach ($class in 'Bag', 'Sneaker') {
            $folder = New-Item -Path (Join-Path $imageRoot $class) -ItemType Directory -Force
            Get-ChildItem -Path (Join-Path (Get-DlSamplePath) $class) -Filter *.png |
                Select-Object -First 10 | Copy-Item -Destination $folder
        }
        $dataSet = Import-DlDataSet -Path $imageRoot | Split-DlDataSet -TrainingPercent 60 -ValidationPercent 20
        $classifier = New-DlClassifier -DataSet $dataSet
        Set-DlClassifierParam -Classifier $classifier -Epochs 1 -BatchSize 4
        $training = Start-DlTraining -Classifier $classifier -DataSet $dataSet
        $evaluation = Measure-DlClassifier -Classifier $classifier -DataSet $dataSet -Split Validation
    }

    Context 'views' {
        It 'defines a <Control> as the default view of <TypeName>' -TestCases @(
            @{ TypeName = 'DlClassifier.Engine.Data.DlDataSet'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Data.DlSample'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.DlClassifier'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Training.DlClassifierParam'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Training.DlTrainingResult'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Training.DlEpochRecord'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlEvaluation'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlClassMetrics'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlImageResult'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlConfusionMatrix'; Control = 'CustomControl' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlConfusionPair'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Inference.DlPrediction'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Explanations.DlHeatmap'; Control = 'TableControl' }
            @{ TypeName = 'DlClassifier.Engine.Devices.DlDevice'; Control = 'TableControl' }
        ) {
            $formatData = Get-FormatData -TypeName $TypeName

            $formatData | Should -Not -BeNullOrEmpty
            $formatData.FormatViewDefinition[0].Control.GetType().Name | Should -Be $Control
        }

        It 'shows a data set as one summary row' {
            $lines = @(($dataSet | Out-String -Width 200).Trim() -split '\r?\n')

            $lines | Should -HaveCount 3
            $lines[0] | Should -Match '^\s*Count\s+Classes\s+Training\s+Validation\s+Test\s+Roots$'
            $lines[2] | Should -Match ('^\s*20\s+2\s+12\s+4\s+4\s+' + [regex]::Escape($imageRoot) + '$')
        }

        It 'shows a classifier with its input size and best validation error as a percentage' {
            $text = $classifier | Out-String
            $expectedError = '{0:N2} %' -f (100 * $classifier.BestValidationError)

            $text | Should -Match '28×28×1'
            $text | Should -Match ([regex]::Escape($expectedError))
        }

        It 'shows an evaluation''s fractions as percentages with two decimals' {
            $text = $evaluation | Out-String

            $text | Should -Match ([regex]::Escape('{0:N2} %' -f (100 * $evaluation.TopOneError)))
            $text | Should -Match ([regex]::Escape('{0:N2} %' -f (100 * $evaluation.Accuracy)))
        }

        It 'fits every default table into 80 columns' {
            $objects = @(
                $dataSet, $dataSet.Samples[0], $classifier, (Get-DlClassifierParam -Classifier $classifier),
                $training, $training.History[0], $evaluation, $evaluation.PerClass[0], $evaluation.Images[0],
                (Get-DlConfusionMatrix -Evaluation $evaluation), (Get-DlDevice)
            )

            foreach ($object in $objects) {
                $lines = ($object | Out-String -Width 200) -split '\r?\n'
                # Roots is the only free-text column; a long folder name may run past the edge.
                $longest = ($lines | Where-Object { $_ -notmatch [regex]::Escape($imageRoot) } |
                    Measure-Object -Property Length -Maximum).Maximum
                $longest | Should -BeLessOrEqual 80 -Because "$($object.GetType().Name) should fit a console"
            }
        }
    }

    Context 'confusion matrix' {
        It 'prints the matrix text in place of its properties' {
            $matrix = Get-DlConfusionMatrix -Evaluation $evaluation

            ($matrix | Out-String).Trim() | Should -Be $matrix.ToTable().Trim()
        }

        It 'names every class, however many there are' {
            $names = [string[]]@('T-shirt', 'Ankle boot', 'Bag')
            $counts = [long[][]]@([long[]]@(5, 1, 0), [long[]]@(0, 6, 0), [long[]]@(2, 0, 4))
            $matrix = [DlClassifier.Engine.Evaluation.DlConfusionMatrix]::new($names, $counts, $false)

            $text = $matrix | Out-String

            foreach ($name in $names) {
                $text | Should -Match ([regex]::Escape($name))
            }
        }

        It 'names every class of an evaluation' {
            $text = Get-DlConfusionMatrix -Evaluation $evaluation -Relative | Out-String

            foreach ($name in $evaluation.ClassNames) {
                $text | Should -Match ([regex]::Escape($name))
            }
        }
    }

    Context 'undefined metrics' {
        It 'shows a null precision as n/a and a defined recall and F-score as percentages' {
            # Nothing is predicted as B, so the precision of B has a zero denominator and is null.
            $metrics = [DlClassifier.Engine.Evaluation.ClassificationMetrics]::PerClass(
                [string[]]@('A', 'B'), [long[][]]@([long[]]@(2, 0), [long[]]@(1, 0)))
            $metrics[1].Precision | Should -BeNullOrEmpty

            $rowOfB = ($metrics | Out-String) -split '\r?\n' | Where-Object { $_ -match '^B\s' }

            # Its recall is 0, and so is its F-score: the limit of 2PR/(P+R) as R goes to 0.
            $zero = [regex]::Escape('{0:N2} %' -f 0)
            $rowOfB | Should -Match ('^B\s+n/a\s+' + $zero + '\s+' + $zero + '\s+1$')
        }

        It 'shows the errors of an epoch that was not evaluated as n/a' {
            $record = [DlClassifier.Engine.Training.DlEpochRecord]@{
                Epoch = 3; TrainingLoss = 0.5; LearningRate = 0.01
            }

            $row = @(($record | Out-String).Trim() -split '\r?\n')[-1]

            $row | Should -Match '^\s*3\s+\S+\s+n/a\s+n/a\s'
        }
    }

    Context 'JSON' {
        It 'round-trips the key numbers of a DlEvaluation' {
            $json = $evaluation | ConvertTo-Json -Depth 4
            $copy = $json | ConvertFrom-Json

            $copy.Split | Should -Be 'Validation'
            $copy.ImageCount | Should -Be $evaluation.ImageCount
            $copy.TopOneError | Should -Be $evaluation.TopOneError
            $copy.Accuracy | Should -Be $evaluation.Accuracy
            $copy.LogLoss | Should -Be $evaluation.LogLoss
            @($copy.ClassNames) | Should -Be @($evaluation.ClassNames)
            @($copy.ConfusionCounts[1]) | Should -Be @($evaluation.ConfusionCounts[1])
            @($copy.PerClass).Count | Should -Be 2
            @($copy.Images).Count | Should -Be $evaluation.ImageCount
        }

        It 'round-trips the key numbers of a DlTrainingResult' {
            $json = $training | ConvertTo-Json -Depth 4
            $copy = $json | ConvertFrom-Json

            $copy.BestEpoch | Should -Be 1
            $copy.BestValidationError | Should -Be $training.BestValidationError
            $copy.EpochsTrained | Should -Be 1
            $copy.StopReason | Should -Be 'Completed'
            $copy.Duration.Ticks | Should -Be $training.Duration.Ticks
            @($copy.History).Count | Should -Be 1
            $copy.History[0].TrainingLoss | Should -Be $training.History[0].TrainingLoss
            $copy.History[0].IsBest | Should -BeTrue
        }

        It 'round-trips the key numbers of a DlDataSet' {
            $json = $dataSet | ConvertTo-Json -Depth 4
            $copy = $json | ConvertFrom-Json

            $copy.Count | Should -Be 20
            $copy.TrainingCount | Should -Be 12
            $copy.ValidationCount | Should -Be 4
            $copy.TestCount | Should -Be 4
            @($copy.ClassNames) | Should -Be @('Bag', 'Sneaker')
            @($copy.Samples).Count | Should -Be 20
            $copy.Samples[0].Path | Should -Be $dataSet.Samples[0].Path
        }
    }
}
