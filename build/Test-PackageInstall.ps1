#Requires -Version 7.4
<#
.SYNOPSIS
Publishes the built module to a throwaway PSResourceGet repository, installs it from there into a throwaway
module folder, and runs a short demo with the installed copy in a fresh PowerShell.

.DESCRIPTION
Kept out of the Test task: it compresses and unpacks the whole module (a 122 MB package, 462 MB installed) and
trains for an epoch, 50 to 110 seconds on two shared cores. Run it by hand after `build.ps1 Build`.
The repository is a folder, registered as DlLocal for the length of the run and unregistered afterwards.

The module is installed with Save-PSResource into a temporary folder rather than with Install-PSResource
-Scope CurrentUser: the current-user scope is the real user's module folder, which PSModulePath does not
redirect, so an install there would change the machine and could be shadowed by, or shadow, another copy.
Save-PSResource reads the same package from the same repository and unpacks it the same way. The fresh
PowerShell then finds the module by name through PSModulePath, which names the temporary folder first.

.PARAMETER ModuleFolder
The built module to publish; by default out/DlClassifier.

.PARAMETER Epochs
Epochs for the demo run with the installed module.

.EXAMPLE
dotnet pwsh -NoProfile -File ./build/Test-PackageInstall.ps1
#>
[CmdletBinding()]
param(
    [string] $ModuleFolder = (Join-Path $PSScriptRoot '../out/DlClassifier'),
    [ValidateRange(1, 100)] [int] $Epochs = 1
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repositoryName = 'DlLocal'
$ModuleFolder = (Resolve-Path -Path $ModuleFolder).ProviderPath
$runName = "dlclassifier-install-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$workFolder = Join-Path ([IO.Path]::GetTempPath()) $runName
$repositoryFolder = Join-Path $workFolder 'repository'
$installFolder = Join-Path $workFolder 'modules'
$demoFolder = Join-Path $workFolder 'demo'
$clock = [Diagnostics.Stopwatch]::StartNew()
$timings = [ordered]@{}

function Measure-Step {
    param([string] $Name, [scriptblock] $Action)

    Write-Host "==> $Name"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Action
    $timings[$Name] = [math]::Round($watch.Elapsed.TotalSeconds, 1)
}

if (Get-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue) {
    throw "A repository named $repositoryName is already registered; unregister it or rename it here first."
}
$null = New-Item -Path $repositoryFolder, $installFolder -ItemType Directory -Force
try {
    Register-PSResourceRepository -Name $repositoryName -Uri $repositoryFolder -Trusted

    Measure-Step 'publish' { Publish-PSResource -Path $ModuleFolder -Repository $repositoryName }
    $package = Get-ChildItem -Path $repositoryFolder -Filter '*.nupkg' | Select-Object -First 1

    Measure-Step 'install' {
        Save-PSResource -Name DlClassifier -Repository $repositoryName -Path $installFolder -TrustRepository
    }

    $childScript = Join-Path $workFolder 'run-installed.ps1'
    Set-Content -Path $childScript -Value @'
param($DemoScript, $DemoFolder, $Epochs, $InstallFolder)
$ErrorActionPreference = 'Stop'
Import-Module DlClassifier
$module = Get-Module DlClassifier
if (-not $module.ModuleBase.StartsWith($InstallFolder)) {
    throw "DlClassifier was imported from $($module.ModuleBase), not from the installed copy under $InstallFolder."
}
"imported DlClassifier $($module.Version) from $($module.ModuleBase)"
& $DemoScript -ModulePath DlClassifier -OutputDirectory $DemoFolder -Epochs $Epochs
'@
    $process = [Environment]::ProcessPath
    # Under `dotnet pwsh` the process is dotnet itself, which needs the path of pwsh.dll first.
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $previousModulePath = $env:PSModulePath
    $env:PSModulePath = $installFolder
    try {
        Measure-Step 'import and demo in a fresh PowerShell' {
            & $process @prefix -NoProfile -NonInteractive -File $childScript -DemoScript (
                Join-Path $PSScriptRoot '../demo/Invoke-DlDemo.ps1') -DemoFolder $demoFolder -Epochs $Epochs `
                -InstallFolder $installFolder | Out-Host
            if ($LASTEXITCODE -ne 0) {
                throw "The installed module failed its demo run (exit code $LASTEXITCODE)."
            }
        }
    }
    finally {
        $env:PSModulePath = $previousModulePath
    }

    $classifierFile = Join-Path $demoFolder 'classifier.dlc'
    if (-not (Test-Path $classifierFile)) {
        throw "The demo run with the installed module wrote no classifier at $classifierFile."
    }
    $installedSize = (Get-ChildItem -Path $installFolder -Recurse -File | Measure-Object -Property Length -Sum).Sum
    [pscustomobject]@{
        Package          = $package.Name
        PackageMB        = [math]::Round($package.Length / 1MB, 1)
        InstalledMB      = [math]::Round($installedSize / 1MB, 1)
        PublishSeconds   = $timings['publish']
        InstallSeconds   = $timings['install']
        DemoSeconds      = $timings['import and demo in a fresh PowerShell']
        TotalSeconds     = [math]::Round($clock.Elapsed.TotalSeconds, 1)
        ClassifierBytes  = (Get-Item $classifierFile).Length
    } | Format-List | Out-Host
}
finally {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
    Remove-Item -Path $workFolder -Recurse -Force -ErrorAction SilentlyContinue
}
