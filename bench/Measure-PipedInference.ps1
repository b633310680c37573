<#
.SYNOPSIS
    Resident memory of a PowerShell process classifying 10,000 files piped one by one into Invoke-DlClassifier.

.DESCRIPTION
    Imports the built module (./build.ps1 Build), trains a small classifier on the bundled sample (or loads
    -ClassifierPath), then pipes the Fashion-MNIST test PNGs that the bench project writes
    (bench/output/fashion-mnist-png/test, see bench/README.md) through Invoke-DlClassifier and samples the
    process's resident memory every 1,000 predictions, after a garbage collection. Memory must stay flat: the
    last sample no more than 5 % above the one after 2,000 files.
#>
[CmdletBinding()]
param(
    [int] $Count = 10000,
    [string] $ClassifierPath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $root 'out/DlClassifier/DlClassifier.psd1')

$images = Join-Path $root 'bench/output/fashion-mnist-png/test'
if (-not (Test-Path -LiteralPath $images)) {
    throw "The test images are missing at $images; run the bench project's Prepare command first."
}

if ($ClassifierPath) {
    $classifier = Import-DlClassifier -LiteralPath $ClassifierPath
}
else {
    Write-Host 'Training a small classifier on the bundled sample (2 epochs) ...'
    $dataSet = Import-DlDataSet -Path (Join-Path $root 'samples/fashion-mnist') | Split-DlDataSet -Seed 42
    $classifier = New-DlClassifier -DataSet $dataSet
    $null = Set-DlClassifierParam -Classifier $classifier -Epochs 2
    $null = Start-DlTraining -Classifier $classifier -DataSet $dataSet
}

# The class folders of the bench files are named "<index>_<class>"; predictions are only counted here.
$files = Get-ChildItem -LiteralPath $images -Recurse -File -Filter *.png | Select-Object -First $Count
Write-Host "Classifying $($files.Count) files piped one by one"
$samples = [System.Collections.Generic.List[double]]::new()
$seen = 0
$files | Invoke-DlClassifier -Classifier $classifier | ForEach-Object {
    $seen++
    if ($seen % 1000 -eq 0) {
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        [GC]::Collect()
        $megabytes = (Get-Process -Id $PID).WorkingSet64 / 1MB
        $samples.Add($megabytes)
        '{0,6} files  {1,8:F1} MiB resident' -f $seen, $megabytes
    }
}
# The first thousand files also warm up the decoder's buffer pools; growth is measured from the second.
if ($samples.Count -ge 3) {
    'RATIO resident memory after {0} / after 2000 files: {1:F3} (target: no growth beyond 5 %)' -f $seen,
        ($samples[-1] / $samples[1])
}
