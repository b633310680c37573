# Shared helpers for the Pester tests: where the built module and the sample images are, and tiny test images
# written on the spot so that every test owns its files.
Set-StrictMode -Version Latest

$script:RepositoryRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))

function Get-DlModulePath {
    <#
    .SYNOPSIS
    Returns the path of the built module manifest that the tests import.

    .DESCRIPTION
    build.ps1 passes the manifest it has just published in DLCLASSIFIER_MODULE_PATH. Without it (a test run
    started by hand), the default publish folder out/DlClassifier is used.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $path = if ($env:DLCLASSIFIER_MODULE_PATH) {
        [System.IO.Path]::GetFullPath($env:DLCLASSIFIER_MODULE_PATH, (Get-Location).ProviderPath)
    }
    else {
        Join-Path $script:RepositoryRoot 'out/DlClassifier/DlClassifier.psd1'
    }
    if (-not (Test-Path -Path $path -PathType Leaf)) {
        throw "The built module was not found at $path. Build it first: dotnet pwsh -File ./build.ps1 Build"
    }
    $path
}

function Get-DlSamplePath {
    <#
    .SYNOPSIS
    Returns the folder of the sample Fashion-MNIST images kept in the repository (samples/fashion-mnist).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    Join-Path $script:RepositoryRoot 'samples/fashion-mnist'
}

# The PNG file signature: every PNG starts with these eight bytes.
$script:PngSignature = [byte[]](137, 80, 78, 71, 13, 10, 26, 10)

# CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320), one table entry per byte value.
$script:CrcTable = [uint32[]]::new(256)
for ($entry = 0; $entry -lt 256; $entry++) {
    [uint32] $value = $entry
    for ($bit = 0; $bit -lt 8; $bit++) {
        $value = if ($value -band 1) { [uint32]3988292384 -bxor ($value -shr 1) } else { $value -shr 1 }
    }
    $script:CrcTable[$entry] = $value
}

function ConvertTo-BigEndianBytes {
    # The four bytes of an unsigned 32-bit number, most significant first, as PNG stores numbers.
    param([uint32] $Value)

    [byte[]](@(24, 16, 8, 0) | ForEach-Object { ($Value -shr $_) -band 255 })
}

function Get-PngChunkBytes {
    # One PNG chunk: big-endian data length, type, data, and the CRC-32 of type and data.
    param([string] $Type, [byte[]] $Data)

    $typeBytes = [System.Text.Encoding]::ASCII.GetBytes($Type)
    [uint32] $crc = [uint32]::MaxValue
    foreach ($byte in [byte[]]($typeBytes + $Data)) {
        $crc = $script:CrcTable[($crc -bxor $byte) -band 255] -bxor ($crc -shr 8)
    }
    $crc = $crc -bxor [uint32]::MaxValue

    $chunk = [System.Collections.Generic.List[byte]]::new()
    $chunk.AddRange([byte[]](ConvertTo-BigEndianBytes -Value $Data.Length))
    $chunk.AddRange($typeBytes)
    $chunk.AddRange($Data)
    $chunk.AddRange([byte[]](ConvertTo-BigEndianBytes -Value $crc))
    , $chunk.ToArray()
}

function New-DlTestPng {
    <#
    .SYNOPSIS
    Writes an 8-bit grey or RGB PNG from raw pixel bytes and returns its full path.

    .DESCRIPTION
    Pixels are given row by row, Channels bytes per pixel (1 = grey, 3 = red, green, blue). Without Pixels the
    image is filled with the value Fill. The folder is created when missing.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [ValidateRange(1, 4096)] [int] $Width = 16,
        [ValidateRange(1, 4096)] [int] $Height = 16,
        [ValidateSet(1, 3)] [int] $Channels = 1,
        [byte[]] $Pixels,
        [byte] $Fill = 128
    )

    $fullPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    $rowLength = $Width * $Channels
    if (-not $Pixels) {
        $Pixels = [byte[]]::new($rowLength * $Height)
        [System.Array]::Fill($Pixels, $Fill)
    }
    if ($Pixels.Length -ne $rowLength * $Height) {
        $needed = $rowLength * $Height
        throw "A ${Width}x${Height} image with $Channels channel(s) needs $needed bytes, not $($Pixels.Length)."
    }

    # Each scanline starts with its filter type; 0 leaves the bytes as they are.
    $scanlines = [byte[]]::new(($rowLength + 1) * $Height)
    for ($row = 0; $row -lt $Height; $row++) {
        [System.Array]::Copy($Pixels, $row * $rowLength, $scanlines, $row * ($rowLength + 1) + 1, $rowLength)
    }
    $compressed = [System.IO.MemoryStream]::new()
    $zlib = [System.IO.Compression.ZLibStream]::new($compressed, [System.IO.Compression.CompressionLevel]::Optimal)
    $zlib.Write($scanlines, 0, $scanlines.Length)
    $zlib.Dispose()

    # IHDR: width, height, bit depth 8, colour type 0 (grey) or 2 (RGB), deflate, no filter set, no interlace.
    $colourType = if ($Channels -eq 1) { 0 } else { 2 }
    $header = [byte[]](@(ConvertTo-BigEndianBytes -Value $Width) + @(ConvertTo-BigEndianBytes -Value $Height) +
        @(8, $colourType, 0, 0, 0))

    Write-PngFile -FullPath $fullPath -Header $header -Data $compressed.ToArray()
}

function Write-PngFile {
    # Signature, IHDR, one IDAT and IEND, written to a file whose folder is made first; returns the path.
    param(
        [Parameter(Mandatory)] [string] $FullPath,
        [Parameter(Mandatory)] [byte[]] $Header,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [byte[]] $Data
    )

    $file = [System.Collections.Generic.List[byte]]::new()
    $file.AddRange($script:PngSignature)
    $file.AddRange([byte[]](Get-PngChunkBytes -Type 'IHDR' -Data $Header))
    $file.AddRange([byte[]](Get-PngChunkBytes -Type 'IDAT' -Data $Data))
    $file.AddRange([byte[]](Get-PngChunkBytes -Type 'IEND' -Data ([byte[]]::new(0))))
    $null = New-Item -Path ([System.IO.Path]::GetDirectoryName($FullPath)) -ItemType Directory -Force
    [System.IO.File]::WriteAllBytes($FullPath, $file.ToArray())
    $FullPath
}

function New-DlShortPng {
    <#
    .SYNOPSIS
    Writes a grey PNG whose header declares Width x Height pixels but whose data holds only the first Rows rows.

    .DESCRIPTION
    Every chunk is whole, with a valid CRC, and IEND closes the file: only the zlib stream is short. With Rows 0
    a header declaring millions of pixels fits in a few hundred bytes, the shape of a decompression bomb.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [ValidateRange(1, [int]::MaxValue)] [int] $Width,
        [Parameter(Mandatory)] [ValidateRange(1, [int]::MaxValue)] [int] $Height,
        [ValidateRange(0, 4096)] [int] $Rows = 0
    )

    $fullPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    $compressed = [System.IO.MemoryStream]::new()
    $zlib = [System.IO.Compression.ZLibStream]::new($compressed, [System.IO.Compression.CompressionLevel]::Optimal)
    # Filter byte 0 and mid grey for each stored row.
    $row = [byte[]]::new($Width + 1)
    [System.Array]::Fill($row, [byte]128)
    $row[0] = 0
    for ($i = 0; $i -lt $Rows; $i++) {
        $zlib.Write($row, 0, $row.Length)
    }
    $zlib.Dispose()
    $header = [byte[]](@(ConvertTo-BigEndianBytes -Value $Width) + @(ConvertTo-BigEndianBytes -Value $Height) +
        @(8, 0, 0, 0, 0))

    Write-PngFile -FullPath $fullPath -Header $header -Data $compressed.ToArray()
}

function Get-DlTestPattern {
    <#
    .SYNOPSIS
    Returns the grey pixels of a class pattern with a little seeded noise, so that classes are easy to learn
    and no two images are the same.

    .DESCRIPTION
    Class 0 has vertical stripes, class 1 horizontal stripes, class 2 a checkerboard, class 3 a bright centre;
    further classes repeat these with another stripe width.
    #>
    [CmdletBinding()]
    [OutputType([byte[]])]
    param(
        [Parameter(Mandatory)] [int] $ClassIndex,
        [Parameter(Mandatory)] [int] $Seed,
        [int] $Size = 16
    )

    $random = [System.Random]::new($Seed)
    $period = 4 + 2 * [math]::Floor($ClassIndex / 4)
    $pixels = [byte[]]::new($Size * $Size)
    for ($y = 0; $y -lt $Size; $y++) {
        for ($x = 0; $x -lt $Size; $x++) {
            $on = switch ($ClassIndex % 4) {
                0 { ($x % $period) -lt ($period / 2) }
                1 { ($y % $period) -lt ($period / 2) }
                2 { ((($x -band 2) -bxor ($y -band 2)) -ne 0) }
                3 { [math]::Abs($x - $Size / 2) -lt $Size / 4 -and [math]::Abs($y - $Size / 2) -lt $Size / 4 }
            }
            $base = if ($on) { 200 } else { 40 }
            $pixels[$y * $Size + $x] = [byte]($base + $random.Next(-30, 31))
        }
    }
    , $pixels
}

function New-DlTestDataSet {
    <#
    .SYNOPSIS
    Writes a folder with one folder per class, each holding the given number of patterned grey PNGs, and
    returns the folder's full path.

    .EXAMPLE
    New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ alpha = 10; beta = 7 })
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $ClassCount,
        [int] $Size = 16,
        [int] $Seed = 1
    )

    $root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    $null = New-Item -Path $root -ItemType Directory -Force
    $classIndex = 0
    foreach ($className in $ClassCount.Keys) {
        $folder = Join-Path $root $className
        $null = New-Item -Path $folder -ItemType Directory -Force
        for ($i = 0; $i -lt $ClassCount[$className]; $i++) {
            $imageSeed = $Seed * 7919 + $classIndex * 1000 + $i
            $pixels = Get-DlTestPattern -ClassIndex $classIndex -Seed $imageSeed -Size $Size
            $null = New-DlTestPng -Path (Join-Path $folder ('{0}_{1:D3}.png' -f $className, $i)) -Width $Size `
                -Height $Size -Pixels $pixels
        }
        $classIndex++
    }
    $root
}

function Copy-DlSampleImage {
    <#
    .SYNOPSIS
    Copies the first Count sample images of each named Fashion-MNIST class into Destination/<class>/ and
    returns the destination's full path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Destination,
        [Parameter(Mandatory)] [string[]] $ClassName,
        [int] $Count = 8
    )

    $root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Destination)
    foreach ($name in $ClassName) {
        $target = Join-Path $root $name
        $null = New-Item -Path $target -ItemType Directory -Force
        Get-ChildItem -LiteralPath (Join-Path (Get-DlSamplePath) $name) -Filter *.png -File |
            Sort-Object -Property Name | Select-Object -First $Count |
            Copy-Item -Destination $target
    }
    $root
}

function Test-DlPngSignature {
    <#
    .SYNOPSIS
    Tells whether a file starts with the eight-byte PNG signature.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)] [string] $Path)

    $fullPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not [System.IO.File]::Exists($fullPath)) {
        return $false
    }
    $stream = [System.IO.File]::OpenRead($fullPath)
    try {
        $head = [byte[]]::new(8)
        $read = $stream.Read($head, 0, 8)
        $read -eq 8 -and [System.Linq.Enumerable]::SequenceEqual($head, $script:PngSignature)
    }
    finally {
        $stream.Dispose()
    }
}

function Invoke-DlCommandInOwnPipeline {
    <#
    .SYNOPSIS
    Runs one command in a pipeline of its own and returns its output, errors and progress records.

    .DESCRIPTION
    A pipeline of its own has no host, so progress records are collected instead of drawn and nothing can
    prompt. The command runs in the caller's process, so objects such as classifiers pass in unchanged.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Name,
        [System.Collections.IDictionary] $Parameter = @{}
    )

    $pipeline = [powershell]::Create()
    try {
        $null = $pipeline.AddCommand((Get-Command -Name $Name)).AddParameters($Parameter)
        $output = $pipeline.Invoke()
        [pscustomobject]@{
            Output   = @($output)
            Errors   = @($pipeline.Streams.Error)
            Warnings = @($pipeline.Streams.Warning)
            Progress = @($pipeline.Streams.Progress)
        }
    }
    finally {
        $pipeline.Dispose()
    }
}

function Import-DlOnnxRuntime {
    <#
    .SYNOPSIS
    Loads ONNX Runtime into the session, to run the models Export-DlClassifier writes.

    .DESCRIPTION
    build/pester/PesterDownload.csproj fetches ONNX Runtime with Pester. Its managed assembly finds the native
    library only beside itself, so both are copied, with System.Numerics.Tensors, into -Destination and
    loaded from there. Once loaded, later calls in the same session do nothing.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Destination)

    if ('Microsoft.ML.OnnxRuntime.InferenceSession' -as [type]) {
        return
    }

    $assetsPath = Join-Path $script:RepositoryRoot 'build/pester/obj/project.assets.json'
    if (-not (Test-Path -Path $assetsPath -PathType Leaf)) {
        throw "ONNX Runtime is not restored. Run: dotnet restore $(Split-Path $assetsPath | Split-Path)"
    }
    $assets = Get-Content -Path $assetsPath -Raw | ConvertFrom-Json -AsHashtable
    $packages = $assets.project.restore.packagesPath
    $downloads = $assets.project.frameworks.Values.downloadDependencies
    function Get-PackageFolder([string] $Id) {
        $version = (($downloads | Where-Object name -EQ $Id).version -replace '^\[([^,\]]+).*$', '$1').Trim()
        Join-Path $packages "$($Id.ToLowerInvariant())/$($version.ToLowerInvariant())"
    }

    $runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $null = New-Item -Path $Destination -ItemType Directory -Force
    Copy-Item -Path (Join-Path (Get-PackageFolder 'Microsoft.ML.OnnxRuntime') "runtimes/$runtime/native/*") `
        -Destination $Destination
    Copy-Item -Path (Join-Path (Get-PackageFolder 'Microsoft.ML.OnnxRuntime.Managed') 'lib/net8.0/*.dll') `
        -Destination $Destination
    Copy-Item -Path (Join-Path (Get-PackageFolder 'System.Numerics.Tensors') 'lib/net8.0/*.dll') `
        -Destination $Destination
    Add-Type -Path (Join-Path $Destination 'System.Numerics.Tensors.dll')
    Add-Type -Path (Join-Path $Destination 'Microsoft.ML.OnnxRuntime.dll')
}

Export-ModuleMember -Function Get-DlModulePath, Get-DlSamplePath, New-DlTestPng, New-DlShortPng, Get-DlTestPattern,
    New-DlTestDataSet, Copy-DlSampleImage, Test-DlPngSignature, Invoke-DlCommandInOwnPipeline,
    Import-DlOnnxRuntime
