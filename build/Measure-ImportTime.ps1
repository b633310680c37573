#Requires -Version 7.4
<#
.SYNOPSIS
Measures a cold Import-Module of DlClassifier and the first cmdlet call, each in a fresh PowerShell, and checks
that importing alone does not load libtorch.

.DESCRIPTION
Every run starts a new PowerShell, imports the module, notes whether TorchSharp's managed assembly and the
libtorch natives (/proc/self/maps on Linux) are loaded, then calls New-DlClassifier, which builds a network and
so needs libtorch. Prints each run and the medians. The time to start PowerShell itself is not counted.

.EXAMPLE
dotnet pwsh -NoProfile -File ./build/Measure-ImportTime.ps1 -Count 5
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/DlClassifier/DlClassifier.psd1'),
    [ValidateRange(1, 50)] [int] $Count = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ModulePath = (Resolve-Path -Path $ModulePath).ProviderPath
$probe = @'
param($ModulePath)
$ErrorActionPreference = 'Stop'
function Test-NativeTorch {
    if (-not (Test-Path /proc/self/maps)) { return $null }
    [bool](Select-String -Path /proc/self/maps -Pattern 'libtorch_cpu|libtorch_cuda|libLibTorchSharp' -Quiet)
}
function Test-ManagedTorch {
    [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TorchSharp' })
}
$watch = [Diagnostics.Stopwatch]::StartNew()
Import-Module $ModulePath
$import = $watch.Elapsed.TotalMilliseconds
$afterImport = @{ Managed = Test-ManagedTorch; Native = Test-NativeTorch }
$watch.Restart()
$null = New-DlClassifier -ClassName a, b -ImageWidth 28 -ImageHeight 28 -ImageChannels 1
$first = $watch.Elapsed.TotalMilliseconds
[ordered]@{
    ImportMs = [math]::Round($import); FirstCallMs = [math]::Round($first)
    TorchSharpAfterImport = $afterImport.Managed; LibtorchAfterImport = $afterImport.Native
    LibtorchAfterFirstCall = Test-NativeTorch
} | ConvertTo-Json -Compress
'@
$probePath = Join-Path ([IO.Path]::GetTempPath()) "dlclassifier-import-probe-$PID.ps1"
Set-Content -Path $probePath -Value $probe
$process = [Environment]::ProcessPath
# Under `dotnet pwsh` the process is dotnet itself, which needs the path of pwsh.dll first.
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
try {
    $runs = for ($run = 1; $run -le $Count; $run++) {
        $line = & $process @prefix -NoProfile -NonInteractive -File $probePath -ModulePath $ModulePath |
            Select-Object -Last 1
        if ($LASTEXITCODE -ne 0) {
            throw "Run $run failed (exit code $LASTEXITCODE): $line"
        }
        $line | ConvertFrom-Json
    }
}
finally {
    Remove-Item -Path $probePath -ErrorAction SilentlyContinue
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

$runs | Format-Table | Out-Host
[pscustomobject]@{
    Runs                 = $Count
    MedianImportMs       = Get-Median $runs.ImportMs
    MedianFirstCallMs    = Get-Median $runs.FirstCallMs
    MedianTotalMs        = Get-Median ($runs | ForEach-Object { $_.ImportMs + $_.FirstCallMs })
    LibtorchLoadedByImport = @($runs | Where-Object LibtorchAfterImport).Count -gt 0
}
