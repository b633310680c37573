Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
}

Describe 'Set-DlClassifierParam' {
    BeforeEach {
        $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
    }

    Context 'augmentation' {
        It 'shifts and mirrors half of the images by default, with the other kinds off' {
            $parameters = Get-DlClassifierParam -Classifier $classifier

            $parameters.Augmentation | Should -Be ([DlClassifier.Engine.Training.Augmentation]'Shift, FlipHorizontal')
            $parameters.AugmentationPercentage | Should -Be 50
            $parameters.RotationRange | Should -Be 0
            $parameters.CropPercentage | Should -Be 100
            $parameters.CacheMegabytes | Should -Be 2048
        }

        It 'sets every augmentation amount' {
            $settings = @{
                Augmentation = 'Rotate90, FlipVertical'; AugmentationPercentage = 80; RotationRange = 15
                BrightnessVariation = 20; BrightnessSpotVariation = 30; CropPercentage = 80; ContrastVariation = 0.2
                SaturationVariation = 0.1; CacheMegabytes = 0
            }

            Set-DlClassifierParam -Classifier $classifier @settings
            $parameters = Get-DlClassifierParam -Classifier $classifier

            $parameters.Augmentation | Should -Be ([DlClassifier.Engine.Training.Augmentation]'Rotate90, FlipVertical')
            foreach ($name in $settings.Keys | Where-Object { $_ -ne 'Augmentation' }) {
                $parameters.$name | Should -Be $settings[$name] -Because $name
            }
        }
    }

    Context 'threads' {
        It 'warns that more threads than logical processors slow training down, and keeps the value' {
            $threads = [Environment]::ProcessorCount + 1

            Set-DlClassifierParam -Classifier $classifier -Threads $threads -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $classifier.Parameters.Threads | Should -Be $threads
            $warnings | Should -HaveCount 1
            $processors = [Environment]::ProcessorCount
            "$($warnings[0])" | Should -BeLike "*$threads threads*$processors logical processor*slow*"
        }

        It 'does not warn for -Threads <Name>' -TestCases @(
            @{ Name = '0 (one per logical processor)'; Value = 0 }
            @{ Name = 'as many as logical processors'; Value = [Environment]::ProcessorCount }
            @{ Name = '1'; Value = 1 }
        ) {
            Set-DlClassifierParam -Classifier $classifier -Threads $Value -WarningVariable warnings

            $warnings | Should -HaveCount 0
            $classifier.Parameters.Threads | Should -Be $Value
        }
    }

    Context 'errors' {
        It 'refuses -<Name> <Value> naming the parameter' -TestCases @(
            @{ Name = 'AugmentationPercentage'; Value = 101 }
            @{ Name = 'AugmentationPercentage'; Value = -1 }
            @{ Name = 'RotationRange'; Value = 181 }
            @{ Name = 'BrightnessVariation'; Value = 256 }
            @{ Name = 'BrightnessSpotVariation'; Value = -5 }
            @{ Name = 'CropPercentage'; Value = 5 }
            @{ Name = 'ContrastVariation'; Value = 1.5 }
            @{ Name = 'SaturationVariation'; Value = -0.1 }
            @{ Name = 'CacheMegabytes'; Value = -1 }
        ) {
            $arguments = @{ $Name = $Value }

            { Set-DlClassifierParam -Classifier $classifier @arguments } | Should -Throw -ErrorId (
                'ParameterArgumentValidationError,DlClassifier.PowerShell.Commands.SetDlClassifierParamCommand')
            { Set-DlClassifierParam -Classifier $classifier @arguments } | Should -Throw "*'$Name'*"
        }

        It 'refuses -Threads <Value> by parameter validation' -TestCases @(
            @{ Value = -1 }
            @{ Value = 257 }
            @{ Value = 1000 }
        ) {
            { Set-DlClassifierParam -Classifier $classifier -Threads $Value } | Should -Throw -ErrorId (
                'ParameterArgumentValidationError,DlClassifier.PowerShell.Commands.SetDlClassifierParamCommand')
            $classifier.Parameters.Threads | Should -Be 0
        }

        It 'refuses an unknown device as ParameterInvalid' {
            { Set-DlClassifierParam -Classifier $classifier -Device gpu } |
                Should -Throw -ErrorId 'ParameterInvalid,DlClassifier.PowerShell.Commands.SetDlClassifierParamCommand'
        }

        It 'changes nothing when a value is refused' {
            { Set-DlClassifierParam -Classifier $classifier -RotationRange 10 -CropPercentage 3 } | Should -Throw

            (Get-DlClassifierParam -Classifier $classifier).RotationRange | Should -Be 0
        }
    }
}
