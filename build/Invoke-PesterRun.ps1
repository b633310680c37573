#Requires -Version 7.4
<#
.SYNOPSIS
Runs the Pester tests and writes their counts to summary.json beside the NUnit report.

.DESCRIPTION
build.ps1 starts this script in a child PowerShell so that the module's native libraries and the Pester
session are fresh. The exit code is 0 whenever the run completed, whatever its results: the caller reads
the counts from summary.json, and a non-zero exit code means the run itself broke.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $PesterManifest,

    [Parameter(Mandatory)]
    [string] $TestPath,

    [Parameter(Mandatory)]
    [string] $ResultsFolder
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module -Name $PesterManifest -Force
$null = New-Item -Path $ResultsFolder -ItemType Directory -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
# Colour codes only clutter a log file or a CI console.
if ([Console]::IsOutputRedirected) {
    $configuration.Output.RenderMode = 'Plaintext'
}
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsFolder 'pester.xml'
$result = Invoke-Pester -Configuration $configuration

# A test file that cannot even be read fails its container, and an AfterAll that throws fails its block
# while every test in it passed. Neither shows in FailedCount, so each counts as one failure here. A block
# whose BeforeAll threw is already counted through its tests, which Pester marks as failed.
$silentBlockFailures = @($result.FailedBlocks | Where-Object FailedCount -EQ 0).Count
$failed = $result.FailedCount + $result.FailedContainersCount + $silentBlockFailures

[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount
    NotRun  = $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path (Join-Path $ResultsFolder 'summary.json') -Encoding utf8NoBOM
