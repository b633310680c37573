<#
.SYNOPSIS
    Regenerates the bundled Fashion-MNIST sample: the first N training images of each class as PNG files.

.DESCRIPTION
    Reads the Fashion-MNIST training set (train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, IDX
    format with big-endian headers) from the Debian package dataset-fashion-mnist and writes, for each of
    the ten classes, the first -PerClass images of that class in file order into one folder per class:

        T-shirt_top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle_boot  (labels 0..9)

    Each image is a 28x28 8-bit greyscale PNG named after its zero-based index in the IDX training file,
    e.g. train_00001.png. The PNG encoder is self-contained (IHDR, one zlib-compressed IDAT with filter
    type 0 on every row, IEND; no timestamps or other metadata), so repeated runs give identical bytes.

    Existing train_*.png files in the ten class folders are removed first, so a smaller -PerClass leaves
    no stale images behind. Other files in the destination (README.md, LICENSE) are left alone.

.PARAMETER SourcePath
    Folder holding train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.

.PARAMETER Destination
    Folder that receives the class folders. Defaults to 'fashion-mnist' beside this script.

.PARAMETER PerClass
    Number of images to write per class (the training set has 6,000 of each class).

.EXAMPLE
    dotnet pwsh -NoProfile -File samples/Update-FashionMnistSample.ps1

    Rewrites samples/fashion-mnist with 500 images per class from /usr/share/datasets/fashion-mnist.

.EXAMPLE
    ./Update-FashionMnistSample.ps1 -Destination /tmp/fmnist -PerClass 50 -Verbose

    Writes a smaller 500-image copy to /tmp/fmnist and reports progress per class.
#>
#Requires -Version 7.0
[CmdletBinding()]
param(
    [ValidateNotNullOrEmpty()]
    [string] $SourcePath = '/usr/share/datasets/fashion-mnist',

    [ValidateNotNullOrEmpty()]
    [string] $Destination = (Join-Path $PSScriptRoot 'fashion-mnist'),

    [ValidateRange(1, 6000)]
    [int] $PerClass = 500
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ClassNames = @(
    'T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'
)

function Read-GzipFile {
    param([Parameter(Mandatory)] [string] $Path)
    $file = [System.IO.File]::OpenRead($Path)
    try {
        $gzip = [System.IO.Compression.GZipStream]::new($file, [System.IO.Compression.CompressionMode]::Decompress)
        $buffer = [System.IO.MemoryStream]::new()
        try {
            $gzip.CopyTo($buffer)
            return , $buffer.ToArray()
        }
        finally {
            $gzip.Dispose()
            $buffer.Dispose()
        }
    }
    finally {
        $file.Dispose()
    }
}

function Read-BigEndianInt32 {
    param([byte[]] $Bytes, [int] $Offset)
    return ([int]$Bytes[$Offset] -shl 24) -bor ([int]$Bytes[$Offset + 1] -shl 16) -bor
        ([int]$Bytes[$Offset + 2] -shl 8) -bor [int]$Bytes[$Offset + 3]
}

function Read-IdxHeader {
    # IDX: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions, then one big-endian
    # 32-bit size per dimension.
    param([byte[]] $Bytes, [string] $Name, [int] $Dimensions)
    if ($Bytes.Length -lt 4 + 4 * $Dimensions -or $Bytes[0] -ne 0 -or $Bytes[1] -ne 0 -or $Bytes[2] -ne 8 -or
        $Bytes[3] -ne $Dimensions) {
        throw "$Name is not an unsigned-byte IDX file with $Dimensions dimension(s)."
    }
    $sizes = [int[]]::new($Dimensions)
    for ($i = 0; $i -lt $Dimensions; $i++) {
        $sizes[$i] = Read-BigEndianInt32 -Bytes $Bytes -Offset (4 + 4 * $i)
    }
    $expected = 4 + 4 * $Dimensions
    $count = 1L
    foreach ($size in $sizes) { $count *= $size }
    if ($Bytes.Length -ne $expected + $count) {
        throw "$Name holds $($Bytes.Length) bytes; its header promises $($expected + $count)."
    }
    return , $sizes
}

# CRC-32 as used by PNG (ISO 3309, reflected polynomial 0xEDB88320), table-driven.
$CrcTable = [uint32[]]::new(256)
for ($n = 0; $n -lt 256; $n++) {
    [uint32] $c = $n
    for ($k = 0; $k -lt 8; $k++) {
        if ($c -band 1) { $c = 0xEDB88320u -bxor ($c -shr 1) } else { $c = $c -shr 1 }
    }
    $CrcTable[$n] = $c
}

function Get-Crc32 {
    param([byte[]] $Bytes, [int] $Offset, [int] $Count)
    [uint32] $crc = 0xFFFFFFFFu
    $end = $Offset + $Count
    for ($i = $Offset; $i -lt $end; $i++) {
        $crc = $CrcTable[($crc -bxor $Bytes[$i]) -band 0xFF] -bxor ($crc -shr 8)
    }
    return $crc -bxor 0xFFFFFFFFu
}

function Write-BigEndianUInt32 {
    param([byte[]] $Bytes, [int] $Offset, [uint32] $Value)
    $Bytes[$Offset] = [byte](($Value -shr 24) -band 0xFF)
    $Bytes[$Offset + 1] = [byte](($Value -shr 16) -band 0xFF)
    $Bytes[$Offset + 2] = [byte](($Value -shr 8) -band 0xFF)
    $Bytes[$Offset + 3] = [byte]($Value -band 0xFF)
}

function New-PngChunk {
    # Length (4), type (4), data, CRC-32 over type and data (4).
    param([string] $Type, [byte[]] $Data)
    $chunk = [byte[]]::new(12 + $Data.Length)
    Write-BigEndianUInt32 -Bytes $chunk -Offset 0 -Value $Data.Length
    [System.Text.Encoding]::ASCII.GetBytes($Type).CopyTo($chunk, 4)
    $Data.CopyTo($chunk, 8)
    $crc = Get-Crc32 -Bytes $chunk -Offset 4 -Count (4 + $Data.Length)
    Write-BigEndianUInt32 -Bytes $chunk -Offset (8 + $Data.Length) -Value $crc
    return , $chunk
}

function New-GreyPngHead {
    # PNG signature followed by IHDR: width, height, bit depth 8, colour type 0 (grey), deflate, no interlace.
    param([int] $Width, [int] $Height)
    $ihdr = [byte[]]::new(13)
    Write-BigEndianUInt32 -Bytes $ihdr -Offset 0 -Value $Width
    Write-BigEndianUInt32 -Bytes $ihdr -Offset 4 -Value $Height
    $ihdr[8] = 8
    $ihdr[9] = 0
    $signature = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
    return , [byte[]]($signature + (New-PngChunk -Type 'IHDR' -Data $ihdr))
}

function ConvertTo-ZlibBytes {
    param([byte[]] $Bytes)
    $buffer = [System.IO.MemoryStream]::new()
    try {
        $level = [System.IO.Compression.CompressionLevel]::SmallestSize
        $zlib = [System.IO.Compression.ZLibStream]::new($buffer, $level, $true)
        try { $zlib.Write($Bytes, 0, $Bytes.Length) } finally { $zlib.Dispose() }
        return , $buffer.ToArray()
    }
    finally {
        $buffer.Dispose()
    }
}

$started = [System.Diagnostics.Stopwatch]::StartNew()

$SourcePath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($SourcePath)
$Destination = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Destination)
$imagesPath = Join-Path $SourcePath 'train-images-idx3-ubyte.gz'
$labelsPath = Join-Path $SourcePath 'train-labels-idx1-ubyte.gz'
$missing = @($imagesPath, $labelsPath | Where-Object { -not (Test-Path -LiteralPath $_ -PathType Leaf) })
if ($missing.Count -gt 0) {
    throw ("Fashion-MNIST training files not found: $($missing -join ', '). " +
        "Install them with 'sudo apt-get install dataset-fashion-mnist', or pass -SourcePath with the folder " +
        'that holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.')
}

Write-Verbose "Reading $labelsPath"
$labels = Read-GzipFile -Path $labelsPath
$labelCount = (Read-IdxHeader -Bytes $labels -Name $labelsPath -Dimensions 1)[0]
Write-Verbose "Reading $imagesPath"
$images = Read-GzipFile -Path $imagesPath
$imageSizes = Read-IdxHeader -Bytes $images -Name $imagesPath -Dimensions 3
$imageCount, $height, $width = $imageSizes
if ($imageCount -ne $labelCount) {
    throw "The training set has $imageCount images but $labelCount labels."
}
$labelBase = 8
$imageBase = 16
$pixelsPerImage = $width * $height

# Pick the first $PerClass indices of each class, in file order.
$chosen = [System.Collections.Generic.List[int][]]::new($ClassNames.Count)
for ($label = 0; $label -lt $ClassNames.Count; $label++) {
    $chosen[$label] = [System.Collections.Generic.List[int]]::new()
}
$full = 0
for ($index = 0; $index -lt $labelCount -and $full -lt $ClassNames.Count; $index++) {
    $label = [int]$labels[$labelBase + $index]
    if ($label -ge $ClassNames.Count) {
        throw "Label $label at index $index is outside 0..$($ClassNames.Count - 1)."
    }
    if ($chosen[$label].Count -lt $PerClass) {
        $chosen[$label].Add($index)
        if ($chosen[$label].Count -eq $PerClass) { $full++ }
    }
}
for ($label = 0; $label -lt $ClassNames.Count; $label++) {
    if ($chosen[$label].Count -lt $PerClass) {
        throw "Class $label ($($ClassNames[$label])) has only $($chosen[$label].Count) images; -PerClass is $PerClass."
    }
}

$pngHead = New-GreyPngHead -Width $width -Height $height
$pngTail = New-PngChunk -Type 'IEND' -Data ([byte[]]::new(0))
$stride = $width + 1
$scanlines = [byte[]]::new($stride * $height)   # filter byte 0 (None) leads every row and is never overwritten
$digits = [Math]::Max(5, "$($imageCount - 1)".Length)
$written = 0

for ($label = 0; $label -lt $ClassNames.Count; $label++) {
    $folder = Join-Path $Destination $ClassNames[$label]
    if (Test-Path -LiteralPath $folder -PathType Container) {
        Get-ChildItem -LiteralPath $folder -Filter 'train_*.png' -File | Remove-Item -Force
    }
    else {
        $null = New-Item -ItemType Directory -Path $folder -Force
    }
    Write-Verbose "Writing $PerClass images of class $label to $folder"
    foreach ($index in $chosen[$label]) {
        $pixels = $imageBase + [long]$index * $pixelsPerImage
        for ($row = 0; $row -lt $height; $row++) {
            [Array]::Copy($images, $pixels + $row * $width, $scanlines, $row * $stride + 1, $width)
        }
        $idat = New-PngChunk -Type 'IDAT' -Data (ConvertTo-ZlibBytes -Bytes $scanlines)
        $png = [byte[]]::new($pngHead.Length + $idat.Length + $pngTail.Length)
        $pngHead.CopyTo($png, 0)
        $idat.CopyTo($png, $pngHead.Length)
        $pngTail.CopyTo($png, $pngHead.Length + $idat.Length)
        $name = 'train_{0}.png' -f $index.ToString("D$digits", [cultureinfo]::InvariantCulture)
        [System.IO.File]::WriteAllBytes((Join-Path $folder $name), $png)
        $written++
    }
}

$started.Stop()
[pscustomobject]@{
    Destination = $Destination
    Classes     = $ClassNames.Count
    PerClass    = $PerClass
    Files       = $written
    Seconds     = [Math]::Round($started.Elapsed.TotalSeconds, 1)
}
