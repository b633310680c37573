Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $root = Join-Path $TestDrive 'images'
    foreach ($class in 'Bag', 'Sandal') {
        $null = New-Item -ItemType Directory -Path (Join-Path $root $class)
        Get-ChildItem -Path (Join-Path (Get-DlSamplePath) $class) -Filter *.png | Select-Object -First 8 |
            Copy-Item -Destination (Join-Path $root $class)
    }
    $DataSet = Import-DlDataSet -Path $root | Split-DlDataSet -Seed 1
    $Classifier = New-DlClassifier -DataSet $DataSet
    Set-DlClassifierParam -Classifier $Classifier -Augmentation 'Rotate90, Shift' -BrightnessVariation 40 `
        -CropPercentage 80 -AugmentationPercentage 75
    $PngSignature = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
}

Describe 'Show-DlAugmentation' {
    Context 'output' {
        It 'writes a PNG and returns one object per image' {
            $path = Join-Path $TestDrive 'preview.png'

            $samples = @(Show-DlAugmentation -Classifier $Classifier -DataSet $DataSet -Count 6 -Path $path)

            $samples | Should -HaveCount 6
            $path | Should -Exist
            [byte[]]((Get-Content -Path $path -AsByteStream -TotalCount 8)) | Should -Be $PngSignature
            $samples.Index | Should -Be (1..6)
            $samples | ForEach-Object {
                $_.PreviewPath | Should -Be $path
                $_.Path | Should -BeIn ($DataSet.Samples | Where-Object Split -EQ Training).Path
                , $_.Distortions | Should -BeOfType [string[]]
            }
        }

        It 'takes the data set from the pipeline and shows 16 images by default' {
            $path = Join-Path $TestDrive 'piped.png'

            $samples = @($DataSet | Show-DlAugmentation -Classifier $Classifier -Path $path)

            $samples | Should -HaveCount 16
        }

        It 'writes augmentation.png in the current folder when no path is given' {
            Push-Location -Path $TestDrive
            try {
                $null = Show-DlAugmentation -Classifier $Classifier -DataSet $DataSet -Count 2
                Join-Path $TestDrive 'augmentation.png' | Should -Exist
            }
            finally {
                Pop-Location
            }
        }

        It 'draws the same changes for the same seed' {
            $first = Show-DlAugmentation -Classifier $Classifier -DataSet $DataSet -Count 8 -Seed 3 `
                -Path (Join-Path $TestDrive 'a.png')
            $second = Show-DlAugmentation -Classifier $Classifier -DataSet $DataSet -Count 8 -Seed 3 `
                -Path (Join-Path $TestDrive 'b.png')

            ($second | ForEach-Object { "$($_.Path) $($_.Draw)" }) |
                Should -Be ($first | ForEach-Object { "$($_.Path) $($_.Draw)" })
        }
    }

    Context 'errors' {
        It 'refuses -Count <Count>' -TestCases @(@{ Count = 0 }, @{ Count = 257 }) {
            { Show-DlAugmentation -Classifier $Classifier -DataSet $DataSet -Count $Count } | Should -Throw -ErrorId (
                'ParameterArgumentValidationError,DlClassifier.PowerShell.Commands.ShowDlAugmentationCommand')
        }

        It 'reports images that are gone as ImageUnreadable' {
            $root = Join-Path $TestDrive 'vanishing'
            $null = New-Item -ItemType Directory -Path (Join-Path $root 'Bag')
            Get-ChildItem -Path (Join-Path (Get-DlSamplePath) 'Bag') -Filter *.png | Select-Object -First 3 |
                Copy-Item -Destination (Join-Path $root 'Bag')
            $dataSet = Import-DlDataSet -Path $root
            Remove-Item -Path $root -Recurse -Force

            $path = Join-Path $TestDrive 'x.png'

            { Show-DlAugmentation -Classifier $Classifier -DataSet $dataSet -Count 2 -Path $path } |
                Should -Throw -ErrorId 'ImageUnreadable,DlClassifier.PowerShell.Commands.ShowDlAugmentationCommand'
        }
    }
}
