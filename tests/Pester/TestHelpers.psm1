# Shared lookups for the Pester tests: where the built module and the sample images are.
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

Export-ModuleMember -Function Get-DlModulePath, Get-DlSamplePath
