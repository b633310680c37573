Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
    Import-DlOnnxRuntime -Destination "$TestDrive/onnxruntime"

    $ExportCommand = 'DlClassifier.PowerShell.Commands.ExportDlClassifierCommand'

    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 6; bars = 6 })
    $DataSet = Import-DlDataSet -Path $DataRoot | Split-DlDataSet
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 1 -BatchSize 4 -LearningRate 0.01 -Seed 5 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet
    $Classifier.SetTemperature(1.5)
    $Images = @($DataSet.Samples.Path | Select-Object -First 4)

    function Invoke-OnnxModel {
        # Runs an ONNX model file on image files read as its metadata describes; returns the probabilities.
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string[]] $ImagePath)

        $session = [Microsoft.ML.OnnxRuntime.InferenceSession]::new($Path)
        try {
            $metadata = $session.ModelMetadata.CustomMetadataMap
            $width, $height, $channels = [int]$metadata['image_width'], [int]$metadata['image_height'],
                [int]$metadata['image_channels']
            $pixels = [System.Collections.Generic.List[float]]::new()
            foreach ($image in $ImagePath) {
                $pixels.AddRange([DlClassifier.Engine.Data.ImageReader]::ReadPlanar($image, $width, $height, $channels))
            }
            $tensor = [Microsoft.ML.OnnxRuntime.Tensors.DenseTensor[float]]::new($pixels.ToArray(),
                [int[]]@($ImagePath.Count, $channels, $height, $width))
            $inputs = [System.Collections.Generic.List[Microsoft.ML.OnnxRuntime.NamedOnnxValue]]::new()
            $inputs.Add([Microsoft.ML.OnnxRuntime.NamedOnnxValue]::CreateFromTensor[float]('image', $tensor))
            $results = $session.Run($inputs)
            try {
                $output = @($results | Where-Object Name -EQ 'probabilities')[0]
                $probabilities = [float[]]@($output.AsTensor[float]())
                $classes = $probabilities.Count / $ImagePath.Count
                for ($i = 0; $i -lt $ImagePath.Count; $i++) {
                    , $probabilities[($i * $classes)..(($i + 1) * $classes - 1)]
                }
            }
            finally {
                $results.Dispose()
            }
        }
        finally {
            $session.Dispose()
        }
    }
}

Describe 'Export-DlClassifier -Format Onnx' {
    Context 'format' {
        It 'writes an ONNX model whose probabilities are those of Invoke-DlClassifier' {
            $path = Join-Path $TestDrive 'model.onnx'
            Export-DlClassifier -Classifier $Classifier -Path $path -Format Onnx
            $expected = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)

            $actual = @(Invoke-OnnxModel -Path $path -ImagePath $Images)

            $actual.Count | Should -Be $Images.Count
            for ($i = 0; $i -lt $Images.Count; $i++) {
                $want = @($expected[$i].Probabilities.Values)
                for ($k = 0; $k -lt $want.Count; $k++) {
                    $actual[$i][$k] | Should -BeGreaterOrEqual ($want[$k] - 1e-4)
                    $actual[$i][$k] | Should -BeLessOrEqual ($want[$k] + 1e-4)
                }
            }
        }

        It 'records classes, input size, temperature and producer in the metadata' {
            $path = Join-Path $TestDrive 'metadata.onnx'
            Export-DlClassifier -Classifier $Classifier -Path $path

            $session = [Microsoft.ML.OnnxRuntime.InferenceSession]::new($path)
            try {
                $metadata = $session.ModelMetadata.CustomMetadataMap
                $session.ModelMetadata.ProducerName | Should -Be 'DlClassifier'
                $metadata['class_names'] | ConvertFrom-Json | Should -Be $Classifier.ClassNames
                $metadata['image_width'] | Should -Be '16'
                $metadata['image_height'] | Should -Be '16'
                $metadata['image_channels'] | Should -Be '1'
                $metadata['temperature'] | Should -Be '1.5'
                # The JSON numbers are the shortest text that reads back as the same single-precision value.
                $mean = [float[]]@($metadata['normalization_mean'] | ConvertFrom-Json)
                $std = [float[]]@($metadata['normalization_std'] | ConvertFrom-Json)
                $mean | Should -Be $Classifier.NormalizationMean
                $std | Should -Be $Classifier.NormalizationStd
            }
            finally {
                $session.Dispose()
            }
        }

        It 'chooses the format from the file name when -Format is not given: <Name>' -TestCases @(
            @{ Name = 'model.onnx'; Onnx = $true }
            @{ Name = 'MODEL.ONNX'; Onnx = $true }
            @{ Name = 'model.dlc'; Onnx = $false }
            @{ Name = 'model'; Onnx = $false }
        ) {
            $path = Join-Path $TestDrive "by-name/$Name"

            Export-DlClassifier -Classifier $Classifier -Path $path

            # A native file is a zip archive ("PK"); an ONNX model is a protobuf message, which starts with the
            # IR version field (tag 0x08).
            $first = [System.IO.File]::ReadAllBytes($path)[0]
            $first -eq 0x08 | Should -Be $Onnx
            $first -eq [byte][char]'P' | Should -Be (-not $Onnx)
        }

        It 'writes the native format to a .onnx path with -Format Native, with a warning' {
            $path = Join-Path $TestDrive 'explicit/native.onnx'

            Export-DlClassifier -Classifier $Classifier -Path $path -Format Native -WarningVariable warnings `
                -WarningAction SilentlyContinue

            [System.IO.File]::ReadAllBytes($path)[0] | Should -Be ([byte][char]'P')
            @($warnings).Count | Should -Be 1
            "$($warnings[0])" | Should -BeLike "*ends in .onnx but is written in the native format*"
        }

        It 'writes ONNX to a .dlc path with -Format Onnx, with a warning' {
            $path = Join-Path $TestDrive 'explicit/onnx.dlc'

            Export-DlClassifier -Classifier $Classifier -Path $path -Format Onnx -WarningVariable warnings `
                -WarningAction SilentlyContinue

            [System.IO.File]::ReadAllBytes($path)[0] | Should -Be 0x08
            "$($warnings[0])" | Should -BeLike "*Import-DlClassifier cannot read*"
        }

        It 'writes the model with -LiteralPath and returns it with -PassThru' {
            $path = Join-Path $TestDrive 'literal[1].onnx'

            $file = Export-DlClassifier -Classifier $Classifier -LiteralPath $path -PassThru

            $file | Should -BeOfType ([System.IO.FileInfo])
            $file.FullName | Should -Be $path
            [System.IO.File]::ReadAllBytes($path)[0] | Should -Be 0x08
        }

        It 'tells the opset in the verbose stream' {
            $path = Join-Path $TestDrive 'verbose.onnx'

            $verbose = Export-DlClassifier -Classifier $Classifier -Path $path -Verbose 4>&1

            "$verbose" | Should -BeLike "*ONNX model (opset 17)*verbose.onnx*"
        }
    }

    Context 'WhatIf and Force' {
        It 'writes nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif/never.onnx'

            Export-DlClassifier -Classifier $Classifier -Path $path -WhatIf

            $path | Should -Not -Exist
        }

        It 'answers -WhatIf for an existing file without -Force, without an error' {
            $path = Join-Path $TestDrive 'whatif-existing.onnx'
            Set-Content -LiteralPath $path -Value 'keep me'

            { Export-DlClassifier -Classifier $Classifier -Path $path -WhatIf } | Should -Not -Throw

            Get-Content -LiteralPath $path | Should -Be 'keep me'
        }

        It 'throws FileExists for an existing file without -Force and leaves it as it was' {
            $path = Join-Path $TestDrive 'existing.onnx'
            Set-Content -LiteralPath $path -Value 'keep me'

            { Export-DlClassifier -Classifier $Classifier -Path $path } |
                Should -Throw -ErrorId "FileExists,$ExportCommand"

            Get-Content -LiteralPath $path | Should -Be 'keep me'
        }

        It 'replaces an existing file with -Force' {
            $path = Join-Path $TestDrive 'replaced.onnx'
            Set-Content -LiteralPath $path -Value 'old'

            Export-DlClassifier -Classifier $Classifier -Path $path -Force

            [System.IO.File]::ReadAllBytes($path)[0] | Should -Be 0x08
        }

        It 'throws WriteFailed for a path that is a folder' {
            $folder = Join-Path $TestDrive 'a-folder.onnx'
            $null = New-Item -Path $folder -ItemType Directory -Force

            { Export-DlClassifier -Classifier $Classifier -Path $folder -Force } |
                Should -Throw -ErrorId "WriteFailed,$ExportCommand"
        }
    }
}
