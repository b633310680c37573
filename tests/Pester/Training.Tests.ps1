Set-StrictMode -Version Latest

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $HasCuda = @(Get-DlDevice | Where-Object Kind -EQ 'Cuda').Count -gt 0
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $TrainCommand = 'DlClassifier.PowerShell.Commands.StartDlTrainingCommand'

    # 2 classes x 8 patterned 16x16 images split 70/15/15: 6 + 6 training, 1 + 1 validation, 1 + 1 test images.
    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 8; bars = 8 })
    $Unsplit = Import-DlDataSet -Path $DataRoot
    $DataSet = Split-DlDataSet -DataSet $Unsplit

    function New-TinyClassifier {
        # A fresh classifier for the tiny data set with settings that train in well under a second.
        param([int] $Seed = 3, [int] $Epochs = 2)

        New-DlClassifier -DataSet $DataSet |
            Set-DlClassifierParam -Epochs $Epochs -BatchSize 4 -LearningRate 0.01 -Seed $Seed -Threads 1 -PassThru
    }

    $PlotPath = Join-Path $TestDrive 'out/progress.png'
    $CheckpointPath = Join-Path $TestDrive 'out/best.dlc'
    $Classifier = New-TinyClassifier
    $Result = Start-DlTraining -Classifier $Classifier -DataSet $DataSet -PlotPath $PlotPath `
        -CheckpointPath $CheckpointPath
}

Describe 'Start-DlTraining' {
    Context 'result' {
        It 'returns one result' {
            @($Result) | Should -HaveCount 1
            $Result | Should -BeOfType ([DlClassifier.Engine.Training.DlTrainingResult])
        }

        It 'records exactly one history entry per epoch' {
            $Result.History | Should -HaveCount 2
            $Result.History.Epoch | Should -Be @(1, 2)
            $Result.EpochsTrained | Should -Be 2
            $Result.StopReason | Should -Be 'Completed'
        }

        It 'picks a best epoch within the epochs trained' {
            $Result.BestEpoch | Should -BeIn @(1, 2)
        }

        It 'reports as best validation error the lowest of the history' {
            $lowest = ($Result.History.ValidationError | Measure-Object -Minimum).Minimum

            $Result.BestValidationError | Should -Be $lowest
        }

        It 'takes as best epoch the first epoch that reached the lowest validation error' {
            $first = $Result.History | Where-Object ValidationError -EQ $Result.BestValidationError |
                Select-Object -First 1

            $Result.BestEpoch | Should -Be $first.Epoch
            $first.IsBest | Should -BeTrue
        }

        It 'measures validation errors in steps of one validation image' {
            foreach ($record in $Result.History) {
                $wrong = $record.ValidationError * $DataSet.ValidationCount

                $wrong | Should -Be ([math]::Round($wrong))
                $record.ValidationError | Should -BeGreaterOrEqual 0
                $record.ValidationError | Should -BeLessOrEqual 1
            }
        }

        It 'records a finite, positive training loss for every epoch' {
            foreach ($record in $Result.History) {
                [double]::IsFinite($record.TrainingLoss) | Should -BeTrue
                $record.TrainingLoss | Should -BeGreaterThan 0
            }
        }

        It 'follows the cosine schedule from the full learning rate' {
            # lr * (1 + cos(pi * (epoch - 1) / epochs)) / 2 for epochs 1 and 2 of 2.
            $Result.History[0].LearningRate | Should -Be 0.01
            $Result.History[1].LearningRate | Should -BeGreaterThan (0.005 - 1e-12)
            $Result.History[1].LearningRate | Should -BeLessThan (0.005 + 1e-12)
        }

        It 'leaves the classifier trained at the best epoch' {
            $Classifier.IsTrained | Should -BeTrue
            $Classifier.BestEpoch | Should -Be $Result.BestEpoch
            $Classifier.BestValidationError | Should -Be $Result.BestValidationError
            $Classifier.History | Should -HaveCount 2
        }

        It 'leaves the classifier holding the weights that scored the best validation error' {
            $evaluation = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split Validation

            $evaluation.TopOneError | Should -Be $Result.BestValidationError
        }

        It 'trains on the CPU when no CUDA device is present' -Skip:$HasCuda {
            $Result.Device | Should -Be 'cpu'
        }
    }

    Context 'side outputs' {
        It 'writes a PNG progress plot to -PlotPath' {
            $PlotPath | Should -Exist
            Test-DlPngSignature -Path $PlotPath | Should -BeTrue
            $Result.PlotPath | Should -Be $PlotPath
        }

        It 'writes a checkpoint that Import-DlClassifier loads' {
            $checkpoint = Import-DlClassifier -Path $CheckpointPath

            $checkpoint.ClassNames | Should -Be $Classifier.ClassNames
            $checkpoint.IsTrained | Should -BeTrue
            $Result.CheckpointPath | Should -Be $CheckpointPath
        }

        It 'holds the best epoch and the whole history in the checkpoint' {
            $checkpoint = Import-DlClassifier -Path $CheckpointPath

            $checkpoint.BestEpoch | Should -Be $Result.BestEpoch
            $checkpoint.History | Should -HaveCount $Result.History.Count
            $checkpoint.CanResume | Should -BeTrue
            $checkpoint.GetWeightsHash() | Should -Be $Classifier.GetWeightsHash()
        }

        It 'predicts with the checkpoint exactly as with the trained classifier' {
            $checkpoint = Import-DlClassifier -Path $CheckpointPath
            $images = $DataSet.Samples.Path

            $expected = Invoke-DlClassifier -Classifier $Classifier -Path $images
            $actual = Invoke-DlClassifier -Classifier $checkpoint -Path $images

            for ($i = 0; $i -lt $images.Count; $i++) {
                @($actual[$i].Probabilities.Values) | Should -Be @($expected[$i].Probabilities.Values)
            }
        }

        It 'resolves relative side-output paths against the current location' {
            $classifier = New-TinyClassifier -Epochs 1
            $null = New-Item -Path "$TestDrive/relative" -ItemType Directory -Force
            Push-Location -LiteralPath "$TestDrive/relative"
            try {
                $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet -PlotPath ./plot.png `
                    -CheckpointPath ./check.dlc
            }
            finally {
                Pop-Location
            }

            Test-DlPngSignature -Path "$TestDrive/relative/plot.png" | Should -BeTrue
            "$TestDrive/relative/check.dlc" | Should -Exist
        }

        It 'writes nothing but the named files beside them' {
            # Files are written through a temporary file and a rename; no temporary file may stay behind.
            @(Get-ChildItem -LiteralPath (Split-Path -Path $PlotPath -Parent) -Force).Name |
                Should -Be @('best.dlc', 'progress.png')
        }
    }

    Context 'parameters' {
        It 'gives the same training loss per epoch for the same seed' {
            $first = Start-DlTraining -Classifier (New-TinyClassifier -Seed 11) -DataSet $DataSet
            $second = Start-DlTraining -Classifier (New-TinyClassifier -Seed 11) -DataSet $DataSet

            $second.History.TrainingLoss | Should -Be $first.History.TrainingLoss
            $second.History.ValidationError | Should -Be $first.History.ValidationError
        }

        It 'gives another training loss for another seed' {
            $first = Start-DlTraining -Classifier (New-TinyClassifier -Seed 11) -DataSet $DataSet
            $second = Start-DlTraining -Classifier (New-TinyClassifier -Seed 12) -DataSet $DataSet

            $second.History[0].TrainingLoss | Should -Not -Be $first.History[0].TrainingLoss
        }

        It 'continues the epoch count up to a raised -Epochs when trained again' {
            $classifier = New-TinyClassifier -Epochs 1
            $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet
            Set-DlClassifierParam -Classifier $classifier -Epochs 2

            $again = Start-DlTraining -Classifier $classifier -DataSet $DataSet

            $again.EpochsTrained | Should -Be 1
            $again.History.Epoch | Should -Be @(1, 2)
            $classifier.History | Should -HaveCount 2
        }

        It 'evaluates every -EvaluationInterval epochs and after the last' {
            $classifier = New-TinyClassifier -Epochs 3
            Set-DlClassifierParam -Classifier $classifier -EvaluationInterval 2

            $result = Start-DlTraining -Classifier $classifier -DataSet $DataSet

            $result.History[0].ValidationError | Should -BeNullOrEmpty
            $result.History[1].ValidationError | Should -Not -BeNullOrEmpty
            $result.History[2].ValidationError | Should -Not -BeNullOrEmpty
            $result.BestEpoch | Should -BeIn @(2, 3)
        }

        It 'stops early after -EarlyStoppingPatience evaluations without a gain' {
            # A learning rate this small barely moves the weights, but batch norm's running statistics still change,
            # so an early epoch may gain once more. Whatever epoch is best, training stops one epoch after it.
            $classifier = New-TinyClassifier -Epochs 5
            Set-DlClassifierParam -Classifier $classifier -LearningRate 1e-9 -EarlyStoppingPatience 1

            $result = Start-DlTraining -Classifier $classifier -DataSet $DataSet

            $result.StopReason | Should -Be 'EarlyStopping'
            $result.EpochsTrained | Should -BeLessThan 5
            $result.EpochsTrained | Should -Be ($result.BestEpoch + 1)
            $result.History | Should -HaveCount $result.EpochsTrained
            $errors = @($result.History | ForEach-Object ValidationError)
            $result.BestValidationError | Should -Be ($errors | Measure-Object -Minimum).Minimum
        }

        It 'warns and uses every training image per batch when the batch size is larger' {
            $classifier = New-TinyClassifier -Epochs 1
            Set-DlClassifierParam -Classifier $classifier -BatchSize 64

            $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '*64*12 training images*using 12*'
        }

        It 'tells each epoch in verbose output' {
            $verbose = Start-DlTraining -Classifier (New-TinyClassifier) -DataSet $DataSet -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

            @($verbose | Where-Object { $_ -like 'Epoch 1: loss *' }) | Should -HaveCount 1
            @($verbose | Where-Object { $_ -like 'Epoch 2: loss *' }) | Should -HaveCount 1
        }
    }

    Context 'progress' {
        It 'completes every progress record it starts, epochs below the whole training' {
            $run = Invoke-DlCommandInOwnPipeline -Name Start-DlTraining -Parameter @{
                Classifier = New-TinyClassifier; DataSet = $DataSet
            }

            $run.Output | Should -HaveCount 1
            $activities = @($run.Progress | Group-Object -Property ActivityId)
            $activities | Should -HaveCount 2
            foreach ($activity in $activities) {
                $activity.Group[-1].RecordType | Should -Be 'Completed'
            }
            $parent = $run.Progress | Where-Object ParentActivityId -EQ -1 | Select-Object -First 1
            $child = $run.Progress | Where-Object ParentActivityId -NE -1 | Select-Object -First 1
            $child.ParentActivityId | Should -Be $parent.ActivityId
        }

        It 'shows epochs with percent and time remaining, and batches with percent and the current loss' {
            $run = Invoke-DlCommandInOwnPipeline -Name Start-DlTraining -Parameter @{
                Classifier = New-TinyClassifier; DataSet = $DataSet
            }

            $shown = @($run.Progress | Where-Object RecordType -EQ 'Processing')
            $epochs = @($shown | Where-Object ParentActivityId -EQ -1)
            $batches = @($shown | Where-Object { $_.ParentActivityId -ne -1 -and $_.Activity -like 'Epoch *' })
            $epochs.Count | Should -BeGreaterThan 0
            $batches.Count | Should -BeGreaterThan 0
            foreach ($record in $epochs) {
                $record.StatusDescription | Should -Match '^Epoch \d+ of 2$'
                $record.PercentComplete | Should -BeIn (0..100)
                $record.SecondsRemaining | Should -BeGreaterOrEqual 0
            }
            foreach ($record in $batches) {
                $record.StatusDescription | Should -Match '^Batch \d+ of \d+, loss \d+\.\d{4}$'
                $record.PercentComplete | Should -BeIn (0..100)
            }
            $epochs[-1].PercentComplete | Should -Be 100
        }
    }

    Context 'cancellation' {
        It 'stops soon after a stop request, holding the best epoch so far' {
            $classifier = New-TinyClassifier -Epochs 1000
            $pipeline = [powershell]::Create()
            try {
                $null = $pipeline.AddCommand((Get-Command -Name Start-DlTraining)).
                    AddParameter('Classifier', $classifier).AddParameter('DataSet', $DataSet)
                $running = $pipeline.BeginInvoke()
                $waited = [System.Diagnostics.Stopwatch]::StartNew()
                while ($classifier.History.Count -lt 2 -and $waited.Elapsed.TotalSeconds -lt 60) {
                    Start-Sleep -Milliseconds 20
                }

                $stopping = [System.Diagnostics.Stopwatch]::StartNew()
                $pipeline.Stop()
                $stopping.Stop()

                $pipeline.InvocationStateInfo.State | Should -Be 'Stopped'
                { $pipeline.EndInvoke($running) } | Should -Throw
            }
            finally {
                $pipeline.Dispose()
            }

            $stopping.Elapsed.TotalSeconds | Should -BeLessThan 5
            $classifier.History.Count | Should -BeGreaterOrEqual 2
            $classifier.History.Count | Should -BeLessThan 1000
            $classifier.IsTrained | Should -BeTrue
            $classifier.BestEpoch | Should -BeIn $classifier.History.Epoch
            (Measure-DlClassifier -Classifier $classifier -DataSet $DataSet).TopOneError |
                Should -Be $classifier.BestValidationError
        }

        It 'lets the next training run after a stopped one' {
            $result = Start-DlTraining -Classifier (New-TinyClassifier -Epochs 1) -DataSet $DataSet

            $result.History | Should -HaveCount 1
        }
    }

    Context 'resuming' {
        It 'continues from an imported checkpoint exactly as an unbroken training' {
            # A constant learning rate lets a 2-epoch plan be raised to 4 without changing any epoch's rate.
            $straight = New-TinyClassifier -Epochs 4
            Set-DlClassifierParam -Classifier $straight -Schedule Constant
            $unbroken = Start-DlTraining -Classifier $straight -DataSet $DataSet

            $first = New-TinyClassifier -Epochs 2
            Set-DlClassifierParam -Classifier $first -Schedule Constant
            $null = Start-DlTraining -Classifier $first -DataSet $DataSet -CheckpointPath "$TestDrive/resume/two.dlc"
            $resumed = Import-DlClassifier -Path "$TestDrive/resume/two.dlc"
            Set-DlClassifierParam -Classifier $resumed -Epochs 4
            $continued = $DataSet | Start-DlTraining -Classifier $resumed -WarningVariable warnings

            $warnings | Should -HaveCount 0
            $continued.EpochsTrained | Should -Be 2
            $continued.History.Epoch | Should -Be @(1, 2, 3, 4)
            $continued.History.TrainingLoss | Should -Be $unbroken.History.TrainingLoss
            $continued.History.ValidationLoss | Should -Be $unbroken.History.ValidationLoss
            $resumed.GetWeightsHash() | Should -Be $straight.GetWeightsHash()
        }

        It 'warns and trains nothing once every epoch of the plan is trained' {
            $classifier = New-TinyClassifier -Epochs 1
            $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet
            $hash = $classifier.GetWeightsHash()

            $again = Start-DlTraining -Classifier $classifier -DataSet $DataSet -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $again.EpochsTrained | Should -Be 0
            $again.History | Should -HaveCount 1
            "$warnings" | Should -BeLike '*nothing is left to train*-Epochs*'
            $classifier.GetWeightsHash() | Should -Be $hash
        }

        It 'warns that a file without optimiser state continues with a fresh optimiser' {
            $classifier = New-TinyClassifier -Epochs 1
            $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet
            Export-DlClassifier -Classifier $classifier -Path "$TestDrive/resume/exported.dlc"
            $imported = Import-DlClassifier -Path "$TestDrive/resume/exported.dlc"
            Set-DlClassifierParam -Classifier $imported -Epochs 2

            $result = Start-DlTraining -Classifier $imported -DataSet $DataSet -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $imported.CanResume | Should -BeTrue
            $result.History.Epoch | Should -Be @(1, 2)
            "$warnings" | Should -BeLike '*fresh optimiser*'
        }

        It 'trains with inverse-frequency class weights to finite losses' {
            $classifier = New-TinyClassifier
            Set-DlClassifierParam -Classifier $classifier -ClassWeighting InverseFrequency -ClassWeight @{ bars = 2 }

            $result = Start-DlTraining -Classifier $classifier -DataSet $DataSet

            foreach ($record in $result.History) {
                [double]::IsFinite($record.TrainingLoss) | Should -BeTrue
            }
        }
    }

    Context 'stopping' {
        It 'runs at most one batch after Stop and leaves the best weights and an intact checkpoint' {
            $classifier = New-TinyClassifier -Epochs 1000
            $checkpoint = "$TestDrive/stop/checkpoint.dlc"
            $pipeline = [powershell]::Create()
            $null = Register-ObjectEvent -InputObject $pipeline.Streams.Progress -EventName DataAdded `
                -SourceIdentifier TrainingProgress
            try {
                $null = $pipeline.AddCommand((Get-Command -Name Start-DlTraining)).
                    AddParameter('Classifier', $classifier).AddParameter('DataSet', $DataSet).
                    AddParameter('CheckpointPath', $checkpoint)
                $running = $pipeline.BeginInvoke()

                # Stop from this thread once a progress record of the second epoch or later arrives, so that a
                # completed epoch has been checkpointed.
                $epoch = 0
                while ($epoch -lt 2) {
                    $arrived = Wait-Event -SourceIdentifier TrainingProgress -Timeout 120
                    $arrived | Should -Not -BeNullOrEmpty
                    Remove-Event -EventIdentifier $arrived.EventIdentifier
                    $record = $pipeline.Streams.Progress[$arrived.SourceEventArgs.Index]
                    if ($record.StatusDescription -match '^Epoch (\d+) of') {
                        $epoch = [int] $Matches[1]
                    }
                }
                $pipeline.Stop()

                $pipeline.InvocationStateInfo.State | Should -Be 'Stopped'
                { $pipeline.EndInvoke($running) } | Should -Throw
            }
            finally {
                Unregister-Event -SourceIdentifier TrainingProgress
                Get-Event -SourceIdentifier TrainingProgress -ErrorAction SilentlyContinue | Remove-Event
                $pipeline.Dispose()
            }

            $classifier.BatchesAfterStopRequest | Should -BeIn @(0, 1)
            $classifier.History.Count | Should -BeGreaterOrEqual 1
            $classifier.BestEpoch | Should -BeIn $classifier.History.Epoch
            (Measure-DlClassifier -Classifier $classifier -DataSet $DataSet -Split Validation).TopOneError |
                Should -Be $classifier.BestValidationError
            $saved = Import-DlClassifier -Path $checkpoint
            $saved.History.Count | Should -Be $classifier.History.Count
            $saved.GetWeightsHash() | Should -Be $classifier.GetWeightsHash()
            $saved.CanResume | Should -BeTrue
        }
    }

    Context 'small data' {
        It 'warns that it merged the last batch of one image and finishes every epoch' {
            # 12 training images in batches of 11 leave a last batch of one.
            $classifier = New-TinyClassifier
            Set-DlClassifierParam -Classifier $classifier -BatchSize 11

            $result = Start-DlTraining -Classifier $classifier -DataSet $DataSet -WarningVariable warnings `
                -WarningAction SilentlyContinue

            "$warnings" | Should -BeLike '*merged the last batch of one image*'
            $result.History | Should -HaveCount 2
            foreach ($record in $result.History) {
                [double]::IsFinite($record.TrainingLoss) | Should -BeTrue
            }
        }
    }

    Context 'reproducibility' {
        It 'gives the same weights hash in two fresh processes for the same seed' {
            $script = Join-Path $TestDrive 'train-once.ps1'
            Set-Content -LiteralPath $script -Value @'
param([string] $ModulePath, [string] $DataRoot)
$ErrorActionPreference = 'Stop'
Import-Module -Name $ModulePath
$dataSet = Import-DlDataSet -Path $DataRoot | Split-DlDataSet
$classifier = New-DlClassifier -DataSet $dataSet |
    Set-DlClassifierParam -Epochs 2 -BatchSize 4 -LearningRate 0.01 -Seed 5 -Threads 1 -Device cpu -PassThru
$null = Start-DlTraining -Classifier $classifier -DataSet $dataSet
$classifier.GetWeightsHash()
'@
            # Under `dotnet pwsh` the process is dotnet, which needs the path of pwsh.dll first.
            $executable = [Environment]::ProcessPath
            # A typed array: splatting a lone string would pass it character by character.
            [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') {
                Join-Path $PSHOME 'pwsh.dll'
            }
            else {
                @()
            }

            $hashes = foreach ($run in 1, 2) {
                $output = & $executable @prefix -NoProfile -NonInteractive -File $script `
                    -ModulePath (Get-DlModulePath) -DataRoot $DataRoot
                $LASTEXITCODE | Should -Be 0
                @($output)[-1]
            }

            $hashes[0] | Should -Match '^[0-9A-F]{64}$'
            $hashes[1] | Should -Be $hashes[0]
        }
    }

    Context 'runspaces' {
        It 'runs two trainings from two runspaces one after another, with the results of sequential runs' {
            $sequential = foreach ($seed in 21, 22) {
                (Start-DlTraining -Classifier (New-TinyClassifier -Seed $seed) -DataSet $DataSet).History.TrainingLoss
            }
            $classifiers = @((New-TinyClassifier -Seed 21), (New-TinyClassifier -Seed 22))
            $pipelines = foreach ($classifier in $classifiers) {
                $pipeline = [powershell]::Create()
                $null = $pipeline.AddCommand((Get-Command -Name Start-DlTraining)).
                    AddParameter('Classifier', $classifier).AddParameter('DataSet', $DataSet)
                [pscustomobject]@{ Pipeline = $pipeline; Running = $pipeline.BeginInvoke() }
            }
            try {
                $results = foreach ($entry in $pipelines) {
                    @($entry.Pipeline.EndInvoke($entry.Running))[0]
                }
            }
            finally {
                $pipelines.Pipeline | ForEach-Object Dispose
            }

            $results | Should -HaveCount 2
            $results[0].History.TrainingLoss | Should -Be @($sequential)[0..1]
            $results[1].History.TrainingLoss | Should -Be @($sequential)[2..3]
        }
    }

    Context 'history' {
        It 'exports the history as CSV with one clean column per property' {
            $csv = $Result.History | ConvertTo-Csv -NoTypeInformation

            $csv[0] | Should -Be ('"Epoch","TrainingLoss","TrainingError","ValidationError","ValidationLoss",' +
                '"LearningRate","Seconds","IsBest"')
            $csv | Should -HaveCount ($Result.History.Count + 1)
            $rows = $csv | ConvertFrom-Csv
            [int[]] $rows.Epoch | Should -Be $Result.History.Epoch
            [double[]] $rows.TrainingLoss | Should -Be $Result.History.TrainingLoss
        }
    }

    Context 'pipeline' {
        It 'takes the data set from the pipeline' {
            $classifier = New-TinyClassifier -Epochs 1

            $result = @($DataSet | Start-DlTraining -Classifier $classifier)

            $result | Should -HaveCount 1
            $result[0].History | Should -HaveCount 1
        }
    }

    Context 'errors' {
        It 'throws DataSetNotSplit for a data set that was not split' {
            { Start-DlTraining -Classifier (New-TinyClassifier) -DataSet $Unsplit } |
                Should -Throw -ErrorId "DataSetNotSplit,$TrainCommand"
        }

        It 'throws DataSetNotSplit for a data set without validation images' {
            $noValidation = Split-DlDataSet -DataSet $Unsplit -TrainingPercent 80 -ValidationPercent 0

            { Start-DlTraining -Classifier (New-TinyClassifier) -DataSet $noValidation } |
                Should -Throw -ErrorId "DataSetNotSplit,$TrainCommand"
        }

        It 'leaves the classifier untrained after DataSetNotSplit' {
            $classifier = New-TinyClassifier

            { Start-DlTraining -Classifier $classifier -DataSet $Unsplit } | Should -Throw

            $classifier.IsTrained | Should -BeFalse
            $classifier.History | Should -HaveCount 0
        }

        It 'throws ClassUnknown for classes the classifier does not know' {
            $classifier = New-DlClassifier -ClassName 'cat', 'dog' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            $thrown = { Start-DlTraining -Classifier $classifier -DataSet $DataSet } |
                Should -Throw -ErrorId "ClassUnknown,$TrainCommand" -PassThru

            $thrown.TargetObject | Should -BeIn @('bars', 'stripes')
        }

        It 'throws ClassUnknown for unknown classes when every epoch is already trained' {
            $root = New-DlTestDataSet -Path "$TestDrive/other-classes" -ClassCount ([ordered]@{ cat = 4; dog = 4 })
            $other = Import-DlDataSet -Path $root | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50
            $classifier = New-TinyClassifier -Epochs 1
            $null = Start-DlTraining -Classifier $classifier -DataSet $DataSet

            # With -WarningAction Stop, a warning that nothing is left to train would stop the call before the error.
            $thrown = { Start-DlTraining -Classifier $classifier -DataSet $other -WarningAction Stop } |
                Should -Throw -ErrorId "ClassUnknown,$TrainCommand" -PassThru

            $thrown.TargetObject | Should -BeIn @('cat', 'dog')
            $classifier.History | Should -HaveCount 1
        }

        It 'throws ImageUnreadable naming an image that was removed after the import' {
            $root = New-DlTestDataSet -Path "$TestDrive/moved" -ClassCount ([ordered]@{ a = 4; b = 4 })
            $moved = Import-DlDataSet -Path $root | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50
            $classifier = New-DlClassifier -DataSet $moved | Set-DlClassifierParam -Epochs 1 -BatchSize 4 -PassThru
            $gone = Join-Path $root 'b/b_001.png'
            Remove-Item -LiteralPath $gone

            $thrown = { Start-DlTraining -Classifier $classifier -DataSet $moved } |
                Should -Throw -ErrorId "ImageUnreadable,$TrainCommand" -PassThru

            $thrown.Exception.Message | Should -BeLike "*$gone*"
        }

        It 'throws WriteFailed naming a checkpoint path that cannot be written' {
            $folder = Join-Path $TestDrive 'checkpoint-is-a-folder'
            $null = New-Item -Path $folder -ItemType Directory -Force

            $classifier = New-TinyClassifier -Epochs 1

            $thrown = { Start-DlTraining -Classifier $classifier -DataSet $DataSet -CheckpointPath $folder } |
                Should -Throw -ErrorId "WriteFailed,$TrainCommand" -PassThru

            $thrown.TargetObject | Should -Be $folder
        }

        It 'throws ImageUnreadable when an image became unreadable after the import' {
            $root = New-DlTestDataSet -Path "$TestDrive/spoiled" -ClassCount ([ordered]@{ a = 4; b = 4 })
            $spoiled = Import-DlDataSet -Path $root | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50
            $classifier = New-DlClassifier -DataSet $spoiled | Set-DlClassifierParam -Epochs 1 -BatchSize 4 -PassThru
            Set-Content -LiteralPath (Join-Path $root 'a/a_000.png') -Value 'no longer a picture'

            { Start-DlTraining -Classifier $classifier -DataSet $spoiled } |
                Should -Throw -ErrorId "ImageUnreadable,$TrainCommand"
        }
    }
}
