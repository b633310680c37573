Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
    $NewCommand = 'DlClassifier.PowerShell.Commands.NewDlClassifierCommand'
    $SetCommand = 'DlClassifier.PowerShell.Commands.SetDlClassifierParamCommand'
}

Describe 'New-DlClassifier -Pretrained' {
    BeforeAll {
        # 3 Trouser and 3 Bag images of the bundled Fashion-MNIST sample: 28x28 grey.
        $Root = Copy-DlSampleImage -Destination "$TestDrive/fashion" -ClassName 'Trouser', 'Bag' -Count 3
        $DataSet = Import-DlDataSet -Path $Root
    }

    Context 'parameters' {
        It 'builds a CntkResNet18 with ImageNet weights at 224x224x3 from a data set of 28x28 grey images' {
            $classifier = New-DlClassifier -DataSet $DataSet -Pretrained

            $classifier.Architecture | Should -Be 'CntkResNet18'
            $classifier.ClassNames | Should -Be @('Bag', 'Trouser')
            '{0}x{1}x{2}' -f $classifier.ImageWidth, $classifier.ImageHeight, $classifier.ImageChannels |
                Should -Be '224x224x3'
            $classifier.PretrainedWeights | Should -BeLike 'ImageNet (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0)'
            $classifier.Normalization | Should -Be 'BgrMeanImage'
            (Get-DlClassifierParam -Classifier $classifier).TransferMode | Should -Be 'FineTune'
        }

        It 'takes class names without an input size' {
            $classifier = New-DlClassifier -ClassName 'ok', 'dent' -Pretrained

            $classifier.ClassNames | Should -Be @('ok', 'dent')
            $classifier.ImageWidth | Should -Be 224
            $classifier.IsPretrained | Should -BeTrue
        }

        It 'says that the images are resized and repeated into three channels' {
            $null = New-DlClassifier -DataSet $DataSet -Pretrained -Verbose 4>&1 |
                Tee-Object -Variable records

            $messages = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $messages[1].Message | Should -Be ('The images, mostly 28×28×1, are resized to 224×224 and repeated ' +
                'into three channels when read.')
        }

        It 'takes -ImageWidth <Width> and -ImageHeight <Height> with <Source>' -TestCases @(
            @{ Source = 'a data set'; Width = 96; Height = 64 }
            @{ Source = 'class names'; Width = 32; Height = 32 }
        ) {
            $classifier = if ($Source -eq 'a data set') {
                New-DlClassifier -DataSet $DataSet -Pretrained -ImageWidth $Width -ImageHeight $Height
            }
            else {
                New-DlClassifier -ClassName 'ok', 'dent' -Pretrained -ImageWidth $Width -ImageHeight $Height
            }

            '{0}x{1}x{2}' -f $classifier.ImageWidth, $classifier.ImageHeight, $classifier.ImageChannels |
                Should -Be "${Width}x${Height}x3"
            $classifier.IsPretrained | Should -BeTrue
            $classifier.Normalization | Should -Be 'BgrMeanImage'
            # The same network as at 224x224: 15,897,152 backbone parameters and a head of 512 x 2 + 2.
            $classifier.ParameterCount | Should -Be 15898178
        }

        It 'keeps 224 for the side that is not given' {
            $classifier = New-DlClassifier -ClassName 'ok', 'dent' -Pretrained -ImageWidth 96

            '{0}x{1}' -f $classifier.ImageWidth, $classifier.ImageHeight | Should -Be '96x224'
        }

        It 'says that the images are resized to the size given' {
            $null = New-DlClassifier -DataSet $DataSet -Pretrained -ImageWidth 64 -ImageHeight 64 -Verbose 4>&1 |
                Tee-Object -Variable records

            $messages = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $messages[0].Message | Should -BeLike '*for 2 classes at 64×64×3 with 15,898,178 parameters.'
            $messages[1].Message | Should -Be ('The images, mostly 28×28×1, are resized to 64×64 and repeated ' +
                'into three channels when read.')
        }

        It 'draws the weights at random for -Architecture CntkResNet18 without -Pretrained' {
            $classifier = New-DlClassifier -DataSet $DataSet -Architecture CntkResNet18

            $classifier.IsPretrained | Should -BeFalse
            $classifier.Normalization | Should -Be 'ChannelStatistics'
            $classifier.ImageWidth | Should -Be 224
        }
    }

    Context 'errors' {
        It 'refuses -Architecture <Architecture> with -Pretrained as ParameterInvalid' -TestCases @(
            @{ Architecture = 'CompactCnn' }
            @{ Architecture = 'ResNet18' }
        ) {
            { New-DlClassifier -DataSet $DataSet -Pretrained -Architecture $Architecture } |
                Should -Throw -ErrorId "ParameterInvalid,$NewCommand"
        }

        It 'refuses -<Name> <Value> with -Pretrained as ParameterInvalid, naming the parameter' -TestCases @(
            @{ Name = 'ImageWidth'; Value = 31; Message = '*at least 32×32 pixels; -ImageWidth 31 is too small*' }
            @{ Name = 'ImageHeight'; Value = 8; Message = '*at least 32×32 pixels; -ImageHeight 8 is too small*' }
            @{ Name = 'ImageChannels'; Value = 1; Message = '*takes colour input, not 1 channel(s); leave out*' }
        ) {
            $arguments = @{ $Name = $Value }
            { New-DlClassifier -DataSet $DataSet -Pretrained @arguments } |
                Should -Throw -ErrorId "ParameterInvalid,$NewCommand" -ExpectedMessage $Message
            $record = $null
            try { New-DlClassifier -DataSet $DataSet -Pretrained @arguments } catch { $record = $_ }
            $record.TargetObject | Should -Be $Name
        }
    }
}

Describe 'Set-DlClassifierParam transfer parameters' {
    Context 'parameters' {
        It 'sets the transfer mode and the backbone factor of a pretrained classifier' {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -Pretrained

            Set-DlClassifierParam -Classifier $classifier -TransferMode HeadOnly -BackboneLearningRateFactor 0.5
            $parameters = Get-DlClassifierParam -Classifier $classifier

            $parameters.TransferMode | Should -Be 'HeadOnly'
            $parameters.BackboneLearningRateFactor | Should -Be 0.5
        }

        It 'defaults to FineTune with the backbone at 0.1 of the learning rate' {
            $parameters = Get-DlClassifierParam -Classifier (New-DlClassifier -ClassName 'a', 'b' -Pretrained)

            $parameters.TransferMode | Should -Be 'FineTune'
            $parameters.BackboneLearningRateFactor | Should -Be 0.1
        }
    }

    Context 'errors' {
        BeforeAll {
            $Scratch = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
        }

        It 'refuses HeadOnly for a classifier without pretrained weights as ParameterInvalid' {
            { Set-DlClassifierParam -Classifier $Scratch -TransferMode HeadOnly } |
                Should -Throw -ErrorId "ParameterInvalid,$SetCommand"
            (Get-DlClassifierParam -Classifier $Scratch).TransferMode | Should -Be 'FineTune'
        }

        It 'refuses -BackboneLearningRateFactor <Value>' -TestCases @(
            @{ Value = 0 }
            @{ Value = 1.5 }
        ) {
            { Set-DlClassifierParam -Classifier $Scratch -BackboneLearningRateFactor $Value } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$SetCommand"
        }

        It 'warns that the backbone factor has no effect without pretrained weights' {
            Set-DlClassifierParam -Classifier $Scratch -BackboneLearningRateFactor 0.5 -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
            "$warnings" | Should -BeLike '*pretrained classifiers only*'
        }
    }
}

Describe 'Training a pretrained classifier head only' {
    BeforeAll {
        $Root = Copy-DlSampleImage -Destination "$TestDrive/fashion" -ClassName 'Trouser', 'Bag' -Count 4
        $DataSet = Import-DlDataSet -Path $Root | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50 -Seed 1
        # 64x64 keeps the run short and carries a resized mean image through the file.
        $Classifier = New-DlClassifier -DataSet $DataSet -Pretrained -ImageWidth 64 -ImageHeight 64 |
            Set-DlClassifierParam -TransferMode HeadOnly -Epochs 2 -BatchSize 2 -Threads 2 -PassThru
        $Training = $DataSet | Start-DlTraining -Classifier $Classifier
        $Path = Join-Path $TestDrive 'pretrained.dlc'
        $Loaded = $Classifier | Export-DlClassifier -Path $Path -PassThru | Import-DlClassifier
        $Images = @(Get-ChildItem -LiteralPath $Root -Recurse -File -Filter *.png | Sort-Object -Property FullName |
                Select-Object -First 2)
    }

    It 'trains two epochs' {
        $Training.History | Should -HaveCount 2
        $Classifier.IsTrained | Should -BeTrue
    }

    It 'predicts the same after export and import' {
        $before = @($Images | Invoke-DlClassifier -Classifier $Classifier)
        $after = @($Images | Invoke-DlClassifier -Classifier $Loaded)

        $after.ClassName | Should -Be $before.ClassName
        $after.Confidence | Should -Be $before.Confidence
    }

    It 'keeps the pretrained weights, the input size, the normalisation and the transfer mode in the file' {
        $Loaded.PretrainedWeights | Should -Be $Classifier.PretrainedWeights
        '{0}x{1}x{2}' -f $Loaded.ImageWidth, $Loaded.ImageHeight, $Loaded.ImageChannels | Should -Be '64x64x3'
        $Loaded.Normalization | Should -Be 'BgrMeanImage'
        (Get-DlClassifierParam -Classifier $Loaded).TransferMode | Should -Be 'HeadOnly'
    }
}
