Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop
    Add-Type -AssemblyName System.IO.Compression

    $ExportCommand = 'DlClassifier.PowerShell.Commands.ExportDlClassifierCommand'
    $ImportCommand = 'DlClassifier.PowerShell.Commands.ImportDlClassifierCommand'

    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 8; bars = 8 })
    $DataSet = Import-DlDataSet -Path $DataRoot | Split-DlDataSet
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 2 -BatchSize 4 -LearningRate 0.01 -Seed 3 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet
    $Images = @($DataSet.Samples.Path)

    $SavedPath = Join-Path $TestDrive 'saved/tiny.dlc'
    Export-DlClassifier -Classifier $Classifier -Path $SavedPath

    function New-ZipFile {
        # Writes a zip archive with the given entries (name = bytes), to build damaged classifier files.
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [System.Collections.IDictionary] $Entry)

        $stream = [System.IO.File]::Create($Path)
        $zip = [System.IO.Compression.ZipArchive]::new($stream, [System.IO.Compression.ZipArchiveMode]::Create)
        try {
            foreach ($name in $Entry.Keys) {
                $entryStream = $zip.CreateEntry($name).Open()
                $bytes = [byte[]]$Entry[$name]
                $entryStream.Write($bytes, 0, $bytes.Length)
                $entryStream.Dispose()
            }
        }
        finally {
            $zip.Dispose()
            $stream.Dispose()
        }
    }

    function Read-ZipEntry {
        # The bytes of one entry of a zip archive.
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Name)

        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $buffer = [System.IO.MemoryStream]::new()
            $entryStream = $zip.GetEntry($Name).Open()
            $entryStream.CopyTo($buffer)
            $entryStream.Dispose()
            , $buffer.ToArray()
        }
        finally {
            $zip.Dispose()
        }
    }
}

Describe 'Export-DlClassifier' {
    Context 'parameters' {
        It 'writes a zip file holding the manifest and the weights' {
            $zip = [System.IO.Compression.ZipFile]::OpenRead($SavedPath)
            try {
                @($zip.Entries.FullName | Sort-Object) | Should -Be @('manifest.json', 'weights.bin')
            }
            finally {
                $zip.Dispose()
            }
        }

        It 'names the classes, input size and format in the manifest' {
            $manifest = [System.Text.Encoding]::UTF8.GetString((Read-ZipEntry -Path $SavedPath -Name 'manifest.json')) |
                ConvertFrom-Json

            $manifest.Format | Should -Be 'DlClassifier'
            $manifest.FormatVersion | Should -Be 2
            $manifest.ClassNames | Should -Be $Classifier.ClassNames
            $manifest.ImageWidth | Should -Be 16
            $manifest.ImageHeight | Should -Be 16
            $manifest.ImageChannels | Should -Be 1
        }

        It 'writes nothing to the pipeline unless -PassThru' {
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $TestDrive 'quiet.dlc') | Should -BeNullOrEmpty
        }

        It 'writes the saved file with -PassThru' {
            $path = Join-Path $TestDrive 'passthru.dlc'

            $file = Export-DlClassifier -Classifier $Classifier -Path $path -PassThru

            $file | Should -BeOfType ([System.IO.FileInfo])
            $file.FullName | Should -Be $path
            $file.Length | Should -BeGreaterThan 0
        }

        It 'resolves a relative -Path against the current location' {
            $null = New-Item -Path "$TestDrive/here" -ItemType Directory -Force
            Push-Location -LiteralPath "$TestDrive/here"
            try {
                Export-DlClassifier -Classifier $Classifier -Path ./relative.dlc
            }
            finally {
                Pop-Location
            }

            "$TestDrive/here/relative.dlc" | Should -Exist
            [System.IO.File]::Exists((Join-Path ([System.Environment]::CurrentDirectory) 'relative.dlc')) |
                Should -BeFalse
        }

        It 'creates a missing folder' {
            $path = Join-Path $TestDrive 'new/folder/deep.dlc'

            Export-DlClassifier -Classifier $Classifier -Path $path

            $path | Should -Exist
        }

        It 'takes a file name with brackets literally with -LiteralPath' {
            $path = Join-Path $TestDrive 'model [v1].dlc'

            Export-DlClassifier -Classifier $Classifier -LiteralPath $path

            Test-Path -LiteralPath $path | Should -BeTrue
        }

        It 'replaces an existing file with -Force' {
            $path = Join-Path $TestDrive 'replace.dlc'
            Set-Content -LiteralPath $path -Value 'old content'

            Export-DlClassifier -Classifier $Classifier -Path $path -Force

            (Import-DlClassifier -Path $path).ClassNames | Should -Be $Classifier.ClassNames
        }

        It 'leaves no temporary file beside the saved file' {
            $folder = Join-Path $TestDrive 'tidy'
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'one.dlc')
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'one.dlc') -Force

            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('one.dlc')
        }
    }

    Context 'pipeline' {
        It 'takes the classifier from the pipeline' {
            $path = Join-Path $TestDrive 'piped.dlc'

            $Classifier | Export-DlClassifier -Path $path

            $path | Should -Exist
        }
    }

    Context 'WhatIf' {
        It 'writes nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif/never.dlc'

            Export-DlClassifier -Classifier $Classifier -Path $path -WhatIf

            $path | Should -Not -Exist
            Join-Path $TestDrive 'whatif' | Should -Not -Exist
        }

        It 'leaves an existing file as it was with -WhatIf -Force' {
            $path = Join-Path $TestDrive 'whatif-existing.dlc'
            Set-Content -LiteralPath $path -Value 'keep me'

            Export-DlClassifier -Classifier $Classifier -Path $path -WhatIf -Force

            Get-Content -LiteralPath $path | Should -Be 'keep me'
        }

        It 'writes nothing to the pipeline with -WhatIf -PassThru' {
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $TestDrive 'whatif2.dlc') -WhatIf -PassThru |
                Should -BeNullOrEmpty
        }
    }

    Context 'errors' {
        It 'throws FileExists for an existing file without -Force and leaves it as it was' {
            $path = Join-Path $TestDrive 'existing.dlc'
            Set-Content -LiteralPath $path -Value 'keep me'

            $thrown = { Export-DlClassifier -Classifier $Classifier -Path $path } |
                Should -Throw -ErrorId "FileExists,$ExportCommand" -PassThru

            $thrown.TargetObject | Should -Be $path
            $thrown.CategoryInfo.Category | Should -Be 'ResourceExists'
            Get-Content -LiteralPath $path | Should -Be 'keep me'
        }

        It 'throws WriteFailed for a path that is a folder' {
            $folder = Join-Path $TestDrive 'a-folder.dlc'
            $null = New-Item -Path $folder -ItemType Directory -Force

            { Export-DlClassifier -Classifier $Classifier -Path $folder -Force } |
                Should -Throw -ErrorId "WriteFailed,$ExportCommand"
        }
    }
}

Describe 'Import-DlClassifier' {
    BeforeAll {
        $Loaded = Import-DlClassifier -Path $SavedPath
    }

    Context 'parameters' {
        It 'gives exactly the probabilities of the exported classifier' {
            $expected = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)

            $actual = @(Invoke-DlClassifier -Classifier $Loaded -Path $Images)

            for ($i = 0; $i -lt $Images.Count; $i++) {
                $actual[$i].ClassName | Should -BeExactly $expected[$i].ClassName
                @($actual[$i].Probabilities.Values) | Should -Be @($expected[$i].Probabilities.Values)
            }
        }

        It 'restores <Property>' -TestCases @(
            @{ Property = 'ClassNames' }
            @{ Property = 'Architecture' }
            @{ Property = 'ImageWidth' }
            @{ Property = 'ImageHeight' }
            @{ Property = 'ImageChannels' }
            @{ Property = 'NormalizationMean' }
            @{ Property = 'NormalizationStd' }
            @{ Property = 'BestEpoch' }
            @{ Property = 'BestValidationError' }
            @{ Property = 'IsTrained' }
            @{ Property = 'ParameterCount' }
        ) {
            $Loaded.$Property | Should -Be $Classifier.$Property
        }

        It 'restores the hyperparameters' {
            $expected = Get-DlClassifierParam -Classifier $Classifier
            $actual = Get-DlClassifierParam -Classifier $Loaded

            foreach ($property in $expected.PSObject.Properties.Name) {
                "$($actual.$property)" | Should -Be "$($expected.$property)" -Because $property
            }
        }

        It 'restores the training history' {
            $Loaded.History | Should -HaveCount $Classifier.History.Count
            $Loaded.History.Epoch | Should -Be $Classifier.History.Epoch
            $Loaded.History.TrainingLoss | Should -Be $Classifier.History.TrainingLoss
            $Loaded.History.ValidationError | Should -Be $Classifier.History.ValidationError
        }

        It 'remembers that the test split was evaluated' {
            $classifier = Import-DlClassifier -Path $SavedPath
            $null = Measure-DlClassifier -Classifier $classifier -DataSet $DataSet -Split Test
            $path = Join-Path $TestDrive 'tested.dlc'
            Export-DlClassifier -Classifier $classifier -Path $path

            $null = Measure-DlClassifier -Classifier (Import-DlClassifier -Path $path) -DataSet $DataSet -Split Test `
                -WarningVariable warnings -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
        }

        It 'goes on training where the saved classifier stopped' {
            $classifier = Import-DlClassifier -Path $SavedPath
            # Epochs is the total of the plan, and an exported file holds no optimiser state, which a warning says.
            Set-DlClassifierParam -Classifier $classifier -Epochs 3

            $result = Start-DlTraining -Classifier $classifier -DataSet $DataSet -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $result.History.Epoch | Should -Be @(1, 2, 3)
            "$warnings" | Should -BeLike '*fresh optimiser*'
        }

        It 'resolves a relative -Path against the current location' {
            Push-Location -LiteralPath (Split-Path -Path $SavedPath -Parent)
            try {
                $classifier = Import-DlClassifier -Path ./tiny.dlc
            }
            finally {
                Pop-Location
            }

            $classifier.ClassNames | Should -Be $Classifier.ClassNames
        }

        It 'loads every file a wildcard matches' {
            $folder = Join-Path $TestDrive 'several'
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'a.dlc')
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'b.dlc')

            @(Import-DlClassifier -Path (Join-Path $folder '*.dlc')) | Should -HaveCount 2
        }

        It 'takes a file name with brackets literally with -LiteralPath' {
            $path = Join-Path $TestDrive 'literal [1].dlc'
            Export-DlClassifier -Classifier $Classifier -LiteralPath $path

            (Import-DlClassifier -LiteralPath $path).ClassNames | Should -Be $Classifier.ClassNames
        }
    }

    Context 'pipeline' {
        It 'takes the files that Get-ChildItem writes' {
            $folder = Join-Path $TestDrive 'listed'
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'one.dlc')
            Export-DlClassifier -Classifier $Classifier -Path (Join-Path $folder 'two.dlc')

            $loaded = @(Get-ChildItem -LiteralPath $folder -File | Import-DlClassifier)

            $loaded | Should -HaveCount 2
        }

        It 'takes the file that Export-DlClassifier -PassThru writes' {
            $loaded = Export-DlClassifier -Classifier $Classifier -Path (Join-Path $TestDrive 'chain.dlc') -PassThru |
                Import-DlClassifier

            $loaded.ClassNames | Should -Be $Classifier.ClassNames
        }
    }

    Context 'errors' {
        BeforeAll {
            $Manifest = Read-ZipEntry -Path $SavedPath -Name 'manifest.json'
            $Weights = Read-ZipEntry -Path $SavedPath -Name 'weights.bin'
            $Saved = [System.IO.File]::ReadAllBytes($SavedPath)
            $noise = [byte[]]::new(4096)
            [System.Random]::new(7).NextBytes($noise)
            $ManifestText = [System.Text.Encoding]::UTF8.GetString($Manifest)
            $Damaged = Join-Path $TestDrive 'damaged'
            $null = New-Item -Path $Damaged -ItemType Directory -Force

            [System.IO.File]::WriteAllBytes("$Damaged/random.dlc", $noise)
            [System.IO.File]::WriteAllBytes("$Damaged/truncated.dlc", $Saved[0..($Saved.Length / 2)])
            [System.IO.File]::WriteAllBytes("$Damaged/empty.dlc", [byte[]]::new(0))
            New-ZipFile -Path "$Damaged/no-manifest.dlc" -Entry @{ 'weights.bin' = $Weights }
            New-ZipFile -Path "$Damaged/no-weights.dlc" -Entry @{ 'manifest.json' = $Manifest }
            New-ZipFile -Path "$Damaged/bad-json.dlc" -Entry @{
                'manifest.json' = [System.Text.Encoding]::UTF8.GetBytes('{ "Format": ')
                'weights.bin'   = $Weights
            }
            New-ZipFile -Path "$Damaged/random-weights.dlc" -Entry @{
                'manifest.json' = $Manifest
                'weights.bin'   = $noise
            }
            # Hand-edited manifests: another format, a newer version, a third class the weights lack, and values
            # that Set-DlClassifierParam or training would never produce.
            $edits = @{
                'other-format'      = @('"Format": "DlClassifier"', '"Format": "Other"')
                'newer'             = @('"FormatVersion": 2', '"FormatVersion": 99')
                'wrong-weights'     = @('"bars",', '"bars", "dots",')
                'bad-device'        = @('"Device": "auto"', '"Device": "gpu"')
                'bad-batch-size'    = @('"BatchSize": 4', '"BatchSize": 0')
                'bad-normalization' = @('"NormalizationMean": \[', '"NormalizationMean": [ 0.5, 0.5, ')
            }
            foreach ($name in $edits.Keys) {
                $text = $ManifestText -replace $edits[$name][0], $edits[$name][1]
                $text | Should -Not -Be $ManifestText -Because "the edit for $name must apply"
                New-ZipFile -Path "$Damaged/$name.dlc" -Entry @{
                    'manifest.json' = [System.Text.Encoding]::UTF8.GetBytes($text)
                    'weights.bin'   = $Weights
                }
            }
        }

        It 'writes a ClassifierFileInvalid error naming the <Name> file' -TestCases @(
            @{ Name = 'random' }
            @{ Name = 'truncated' }
            @{ Name = 'empty' }
            @{ Name = 'no-manifest' }
            @{ Name = 'no-weights' }
            @{ Name = 'bad-json' }
            @{ Name = 'other-format' }
            @{ Name = 'newer' }
            @{ Name = 'random-weights' }
            @{ Name = 'wrong-weights' }
            @{ Name = 'bad-device' }
            @{ Name = 'bad-batch-size' }
            @{ Name = 'bad-normalization' }
        ) {
            $path = Join-Path $Damaged "$Name.dlc"

            $loaded = Import-DlClassifier -Path $path -ErrorVariable problems -ErrorAction SilentlyContinue

            $loaded | Should -BeNullOrEmpty
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ClassifierFileInvalid,$ImportCommand"
            $problems[0].TargetObject | Should -Be $path
            $problems[0].Exception.Message | Should -BeLike "*$path*"
        }

        It 'says the <Name> file is not a classifier file or cut short, without zip internals' -TestCases @(
            @{ Name = 'random' }
            @{ Name = 'truncated' }
            @{ Name = 'empty' }
        ) {
            $path = Join-Path $Damaged "$Name.dlc"

            $thrown = { Import-DlClassifier -Path $path -ErrorAction Stop } |
                Should -Throw -ErrorId "ClassifierFileInvalid,$ImportCommand" -PassThru

            "$thrown" | Should -BeLike "'$path' is not a readable DlClassifier file: *damaged or cut short*"
            "$thrown" | Should -BeLike '*Export-DlClassifier*'
            "$thrown" | Should -Not -BeLike '*Central Directory*'
        }

        It 'says that an ONNX model cannot be imported' {
            $onnx = Join-Path $Damaged 'model.onnx'
            Export-DlClassifier -Classifier $Classifier -Path $onnx

            $thrown = { Import-DlClassifier -Path $onnx -ErrorAction Stop } |
                Should -Throw -ErrorId "ClassifierFileInvalid,$ImportCommand" -PassThru

            $thrown.TargetObject | Should -Be $onnx
            "$thrown" | Should -BeLike "'$onnx' is not a readable DlClassifier file: *ONNX*cannot be imported*"
            "$thrown" | Should -Not -BeLike '*Central Directory*'
        }

        It 'throws ClassifierFileInvalid with -ErrorAction Stop' {
            { Import-DlClassifier -Path "$Damaged/random.dlc" -ErrorAction Stop } |
                Should -Throw -ErrorId "ClassifierFileInvalid,$ImportCommand"
        }

        It 'loads the readable files among damaged ones' {
            $loaded = @(Import-DlClassifier -Path "$Damaged/random.dlc", $SavedPath, "$Damaged/no-manifest.dlc" `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $loaded | Should -HaveCount 1
            $problems | Should -HaveCount 2
        }

        It 'writes a PathNotFound error for a missing file' {
            $missing = Join-Path $TestDrive 'absent.dlc'

            $null = Import-DlClassifier -Path $missing -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$ImportCommand"
            $problems[0].TargetObject | Should -Be $missing
        }

        It 'writes a ClassifierFileInvalid error for a folder' {
            $folder = Join-Path $TestDrive 'not-a-file'
            $null = New-Item -Path $folder -ItemType Directory -Force

            $null = Import-DlClassifier -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike "*,$ImportCommand"
            $problems[0].TargetObject | Should -Be $folder
        }
    }
}
