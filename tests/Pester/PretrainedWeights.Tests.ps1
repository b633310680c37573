Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $NewCommand = 'DlClassifier.PowerShell.Commands.NewDlClassifierCommand'

    function New-TestSafetensors {
        <#
        Writes a safetensors file by hand: each tensor in $Shape is float32 zeros unless $Value gives its
        numbers; batch counters (num_batches_tracked) are int64 scalars. Returns the path.
        #>
        param(
            [Parameter(Mandatory)] [string] $Path,
            [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Shape,
            [hashtable] $Value = @{}
        )

        $header = [ordered]@{}
        $data = [System.IO.MemoryStream]::new()
        foreach ($name in $Shape.Keys) {
            $dimensions = @($Shape[$name])
            $count = 1
            foreach ($dimension in $dimensions) { $count *= $dimension }
            $isCounter = $name.EndsWith('num_batches_tracked')
            $bytes = [byte[]]::new($count * $(if ($isCounter) { 8 } else { 4 }))
            if ($Value.ContainsKey($name)) {
                $floats = [float[]] $Value[$name]
                [System.Buffer]::BlockCopy($floats, 0, $bytes, 0, $bytes.Length)
            }
            $header[$name] = [ordered]@{
                dtype        = $(if ($isCounter) { 'I64' } else { 'F32' })
                shape        = $dimensions
                data_offsets = @($data.Length, ($data.Length + $bytes.Length))
            }
            $data.Write($bytes, 0, $bytes.Length)
        }
        $json = [System.Text.Encoding]::UTF8.GetBytes(($header | ConvertTo-Json -Compress -Depth 4))
        $file = [System.IO.File]::Create($Path)
        try {
            $file.Write([BitConverter]::GetBytes([uint64] $json.Length), 0, 8)
            $file.Write($json, 0, $json.Length)
            $data.WriteTo($file)
        }
        finally {
            $file.Dispose()
        }
        $Path
    }

    function Get-CompactCnnShape {
        # The state dict of CompactCnn for 8x8 grey images: one pooling stage (8 to 4), 64 channels on a 4x4 grid.
        param([int] $ClassCount = 2)

        $shape = [ordered]@{ 'features.conv0.weight' = @(32, 1, 3, 3) }
        foreach ($part in 'weight', 'bias', 'running_mean', 'running_var') { $shape["features.bn0.$part"] = @(32) }
        $shape['features.bn0.num_batches_tracked'] = @()
        $shape['features.conv1.weight'] = @(64, 32, 3, 3)
        foreach ($part in 'weight', 'bias', 'running_mean', 'running_var') { $shape["features.bn1.$part"] = @(64) }
        $shape['features.bn1.num_batches_tracked'] = @()
        $shape['classifier.weight'] = @($ClassCount, 1024)
        $shape['classifier.bias'] = @($ClassCount)
        $shape
    }

    # With every weight zero the network's scores are its head's bias: 0 and ln 3 give probabilities 1/4 and 3/4.
    $Weights = New-TestSafetensors -Path "$TestDrive/compact.safetensors" -Shape (Get-CompactCnnShape) `
        -Value @{ 'classifier.bias' = @(0, [math]::Log(3)) }
    $Image = New-DlTestPng -Path "$TestDrive/image.png" -Width 8 -Height 8
    $Arguments = @{ ClassName = @('a', 'b'); ImageWidth = 8; ImageHeight = 8; ImageChannels = 1 }
}

Describe 'New-DlClassifier -WeightPath' {
    Context 'loading' {
        It 'starts from the weights in the file' {
            $classifier = New-DlClassifier @Arguments -WeightPath $Weights

            $prediction = Invoke-DlClassifier -Classifier $classifier -Path $Image -WarningVariable warnings

            $warnings | Should -BeNullOrEmpty -Because 'the head came from the file, so the answers are not random'
            $prediction.ClassName | Should -Be 'b'
            [math]::Round($prediction.Confidence, 6) | Should -Be 0.75
            $classifier.Pretrained.FileName | Should -Be 'compact.safetensors'
            $classifier.Pretrained.Format | Should -Be 'Safetensors'
        }

        It 'says in the verbose stream how many tensors it loaded' {
            $verbose = New-DlClassifier @Arguments -WeightPath $Weights -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

            $verbose.Message | Should -Contain "Loaded 14 weight tensors from '$Weights' (Safetensors)."
        }

        It 'keeps the drawn head and says why when the file has another class count' {
            $path = New-TestSafetensors -Path "$TestDrive/three.safetensors" -Shape (Get-CompactCnnShape 3)

            $output = New-DlClassifier @Arguments -WeightPath $path -Verbose 4>&1

            $classifier = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $verbose = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $classifier.Pretrained.KeptNew | Should -Be @('classifier.weight', 'classifier.bias')
            $verbose.Message | Should -Contain ('Kept the drawn weights of the classification head ' +
                '(classifier.weight, classifier.bias): the file''s head has 3 outputs, this classifier 2 classes.')
        }

        It 'takes the path literally and relative to the current location' {
            $folder = New-Item -Path "$TestDrive/w[1]" -ItemType Directory
            Copy-Item -LiteralPath $Weights -Destination (Join-Path $folder.FullName 'a[b].safetensors')

            Push-Location -LiteralPath $folder.FullName
            try {
                $classifier = New-DlClassifier @Arguments -WeightPath './a[b].safetensors'
            }
            finally {
                Pop-Location
            }

            $classifier.Pretrained.FileName | Should -Be 'a[b].safetensors'
        }
    }

    Context 'errors' {
        It 'throws WeightsMismatch naming the missing and resized entries' {
            $shape = Get-CompactCnnShape
            $shape.Remove('features.conv1.weight')
            $shape['features.conv0.weight'] = @(32, 1, 5, 5)
            $path = New-TestSafetensors -Path "$TestDrive/wrong.safetensors" -Shape $shape

            $thrown = { New-DlClassifier @Arguments -WeightPath $path } |
                Should -Throw -ErrorId "WeightsMismatch,$NewCommand" -PassThru

            $thrown.Exception.Message | Should -BeLike "*'$path' do not fit CompactCnn*"
            $thrown.Exception.Message | Should -BeLike '*1 missing key (features.conv1.weight)*'
            $thrown.Exception.Message | Should -BeLike '*features.conv0.weight: file 32×1×5×5, network 32×1×3×3*'
            $thrown.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'throws WeightFileInvalid for <Case>' -TestCases @(
            @{ Case = 'a text file'; Content = 'not weights at all' }
            @{ Case = 'a cut-short file'; Content = $null }
        ) {
            $path = "$TestDrive/bad.safetensors"
            if ($null -eq $Content) {
                $bytes = [System.IO.File]::ReadAllBytes($Weights)
                [System.IO.File]::WriteAllBytes($path, $bytes[0..($bytes.Length - 101)])
            }
            else {
                Set-Content -Path $path -Value $Content
            }

            { New-DlClassifier @Arguments -WeightPath $path } |
                Should -Throw -ErrorId "WeightFileInvalid,$NewCommand"
        }

        It 'throws WeightFileInvalid for a folder' {
            { New-DlClassifier @Arguments -WeightPath $TestDrive } |
                Should -Throw -ErrorId "WeightFileInvalid,$NewCommand"
        }

        It 'throws PathNotFound for a file that does not exist' {
            $thrown = { New-DlClassifier @Arguments -WeightPath "$TestDrive/absent.pt" } |
                Should -Throw -ErrorId "PathNotFound,$NewCommand" -PassThru

            $thrown.TargetObject | Should -Be (Join-Path $TestDrive 'absent.pt')
        }
    }
}
