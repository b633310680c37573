#Requires -Version 7.4
<#
.SYNOPSIS
Builds, tests, demonstrates or cleans the DlClassifier module. Needs nothing but the .NET SDK.

.DESCRIPTION
Build    publishes the binary module with its libtorch natives to out/DlClassifier and checks that it imports
         in a fresh PowerShell.
Test     builds, runs the xunit engine tests and the Pester module tests, and ends with one line
         "N passed, N failed" (both suites summed). Results go to out/test-results.
Demo     builds and runs demo/Invoke-DlDemo.ps1, writing to out/demo.
Package  builds and packs the module for -Runtime and backend into a module package (.nupkg) in
         out/packages/<runtime>-<backend>/, a folder that serves as a PSResourceGet repository.
Clean    removes out/ and every project's bin/ and obj/.

The module folder keeps the manifest, the cmdlet assembly, the loader and the help at its root; the engine and
every library it needs sit in dependencies/, where DlClassifier.Loader.dll loads them into a load context of
their own (see src/DlClassifier.Loader).

Child PowerShell processes are started with `dotnet pwsh`, the version pinned in dotnet-tools.json, so run
`dotnet tool restore` once first.

.EXAMPLE
dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 Test

.EXAMPLE
dotnet pwsh -NoProfile -File ./build.ps1 Build -Runtime win-x64 -Configuration Debug

.EXAMPLE
dotnet pwsh -NoProfile -File ./build.ps1 Package -Runtime linux-x64
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string] $Task = 'Build',

    # The platform to publish for; libtorch natives exist for linux-x64, win-x64 and osx-arm64.
    [string] $Runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Build against the CUDA libtorch packages instead of the CPU ones (they must be available to NuGet).
    [switch] $Cuda
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Exit codes of native commands are checked by hand: the test runners must report before the build fails.
$PSNativeCommandUseErrorActionPreference = $false

$RepositoryRoot = $PSScriptRoot
$OutputRoot = Join-Path $RepositoryRoot 'out'
$ModuleFolder = Join-Path $OutputRoot 'DlClassifier'
$ModuleManifest = Join-Path $ModuleFolder 'DlClassifier.psd1'
$DependencyFolder = Join-Path $ModuleFolder 'dependencies'
$PackageRoot = Join-Path $OutputRoot 'packages'
$TestResultsFolder = Join-Path $OutputRoot 'test-results'
$HostRuntime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
$Backend = if ($Cuda) { 'cuda' } else { 'cpu' }

# libtorch ships test and Python-binding libraries that nothing loads from .NET. Dropping them saves about 35 MB.
# Only libtorch_python is large; libnnapi_backend must go with it because it links against it.
$UnusedTorchLibraries = @(
    'torch_python', 'jitbackend_test', 'torchbind_test', 'backend_with_compiler', 'aoti_custom_ops', 'nnapi_backend'
)

function Write-Step {
    param([Parameter(Mandatory)] [string] $Message)

    Write-Host "==> $Message"
}

function Invoke-NativeCommand {
    <# Runs a program, shows its output, and throws when it exits with a non-zero code. #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Assert-HostRuntime {
    param([Parameter(Mandatory)] [string] $Purpose)

    if ($Runtime -ne $HostRuntime) {
        throw "$Purpose runs on this machine ($HostRuntime); a build for -Runtime $Runtime cannot be used here."
    }
}

function Invoke-BuildTask {
    Write-Step "publish module ($Runtime, $Backend)"
    # A fresh folder keeps files of an earlier build (or another runtime) out of the module.
    if (Test-Path $ModuleFolder) {
        Remove-Item -Path $ModuleFolder -Recurse -Force
    }
    Invoke-NativeCommand dotnet @(
        'publish', 'src/DlClassifier.PowerShell', '--nologo', '-c', $Configuration, '-r', $Runtime,
        '--self-contained', 'false', "-p:DlBackend=$Backend", '-o', $ModuleFolder
    )
    Invoke-NativeCommand dotnet @(
        'publish', 'src/DlClassifier.Loader', '--nologo', '-c', $Configuration, '-r', $Runtime,
        '--self-contained', 'false', '-o', $ModuleFolder
    )
    Set-ModuleManifestBuild -SourcePath (Join-Path $RepositoryRoot 'DlClassifier.psd1') -Destination $ModuleManifest

    Write-Step 'remove natives never loaded at run time'
    $unused = foreach ($name in $UnusedTorchLibraries) {
        foreach ($fileName in "lib$name.so", "lib$name.dylib", "$name.dll") {
            $path = Join-Path $ModuleFolder $fileName
            if (Test-Path $path) { $path }
        }
    }
    # A publish for one runtime normally flattens its natives into the folder; a runtimes/ folder only
    # appears when a package copies its own, and then the other platforms' copies are dead weight.
    $runtimesFolder = Join-Path $ModuleFolder 'runtimes'
    if (Test-Path $runtimesFolder) {
        $operatingSystem = ($Runtime -split '-')[0]
        $usable = @($Runtime, $operatingSystem) + $(if ($operatingSystem -ne 'win') { 'unix' })
        $unused = @($unused) + @(Get-ChildItem -Path $runtimesFolder -Directory |
            Where-Object Name -NotIn $usable | ForEach-Object FullName)
    }
    foreach ($path in $unused) {
        Remove-Item -Path $path -Recurse -Force
    }

    Write-Step 'move the engine and its libraries into dependencies/'
    # The default load context probes the folder of every assembly it loads from a path, so anything left
    # beside the cmdlet assembly could be loaded there and clash with another module's copy.
    $null = New-Item -Path $DependencyFolder -ItemType Directory -Force
    Get-ChildItem -Path $ModuleFolder |
        Where-Object { $_.FullName -ne $DependencyFolder -and -not (Test-ModuleRootItem -Name $_.Name) } |
        Move-Item -Destination $DependencyFolder

    if ($Runtime -ne $HostRuntime) {
        Write-Step "skip the help and the import check: built for $Runtime on $HostRuntime"
        return
    }
    Write-Step 'compile help from docs/'
    Invoke-NativeCommand dotnet @(
        'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepositoryRoot 'build/ConvertTo-MamlHelp.ps1'),
        '-ModuleFolder', $ModuleFolder, '-DocsFolder', (Join-Path $RepositoryRoot 'docs')
    )

    Write-Step 'check that the module imports in a fresh PowerShell'
    $check = '$ErrorActionPreference = ''Stop''; Import-Module $env:DLCLASSIFIER_MODULE_PATH; ' +
        '$commands = @(Get-Command -Module DlClassifier); ' +
        '"    DlClassifier {0} imported, {1} command(s)" -f (Get-Module DlClassifier).Version, $commands.Count'
    Invoke-NativeCommand dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-Command', $check)
}

function Test-ModuleRootItem {
    <# Tells whether a published file belongs at the module root rather than in dependencies/. #>
    param([Parameter(Mandatory)] [string] $Name)

    $Name -in 'DlClassifier.psd1', 'DlClassifier.Format.ps1xml', 'en-US' -or
        $Name -like 'DlClassifier.PowerShell.*' -or $Name -like 'DlClassifier.Loader.*'
}

function Set-ModuleManifestBuild {
    <#
    Copies the manifest and stamps it with the runtime and backend of this build: the BuildRuntime and BuildBackend
    values under PrivateData, two tags, and only the platform tag that fits, so that a package says what it holds
    wherever it ends up.
    #>
    param(
        [Parameter(Mandatory)] [string] $SourcePath,
        [Parameter(Mandatory)] [string] $Destination
    )

    $text = Get-Content -Path $SourcePath -Raw
    $text = $text -replace "(?m)^(\s*BuildRuntime\s*=\s*)'[^']*'", "`$1'$Runtime'"
    $text = $text -replace "(?m)^(\s*BuildBackend\s*=\s*)'[^']*'", "`$1'$Backend'"
    # The new tags go on a line of their own inside @( ): each line of an array subexpression adds its items.
    $text = $text -replace "(?m)^(\s*Tags\s*=\s*@\()", "`$1'$Runtime', '$Backend'"
    # A package holds the natives of one platform, so it drops the tags of the other two.
    $platformTags = @{ linux = 'Linux'; win = 'Windows'; osx = 'MacOS' }
    $ownTag = $platformTags[($Runtime -split '-')[0]]
    foreach ($tag in $platformTags.Values | Where-Object { $_ -ne $ownTag }) {
        $text = $text -replace ",\s*'$tag'(?=[\s,)])", ''
    }
    Set-Content -Path $Destination -Value $text -Encoding utf8NoBOM -NoNewline
}

function Invoke-PackageTask {
    <#
    Packs the built module with PSResourceGet into out/packages/<runtime>-<backend>/DlClassifier.<version>.nupkg.
    Every flavour gets a folder of its own because the package id and version are the module's: one folder is one
    PSResourceGet repository, so a machine registers the folder of its platform and backend.
    #>
    Invoke-BuildTask

    $flavour = "$Runtime-$Backend"
    $repositoryFolder = Join-Path $PackageRoot $flavour
    Write-Step "pack the module into $repositoryFolder"
    if (Test-Path $repositoryFolder) {
        Remove-Item -Path $repositoryFolder -Recurse -Force
    }
    $null = New-Item -Path $repositoryFolder -ItemType Directory -Force
    # A repository name of its own for this run, registered only for as long as the publish takes.
    $repositoryName = "DlClassifierBuild$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $pack = 'param($Module, $Folder, $Name) $ErrorActionPreference = ''Stop''; ' +
        'Register-PSResourceRepository -Name $Name -Uri $Folder -Trusted; ' +
        'try { Publish-PSResource -Path $Module -Repository $Name } ' +
        'finally { Unregister-PSResourceRepository -Name $Name }'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    Invoke-NativeCommand dotnet @(
        'pwsh', '-NoProfile', '-NonInteractive', '-Command',
        "& { $pack } '$ModuleFolder' '$repositoryFolder' '$repositoryName'"
    )
    $package = Get-ChildItem -Path $repositoryFolder -Filter '*.nupkg' | Select-Object -First 1
    if (-not $package) {
        throw "Publish-PSResource wrote no package into $repositoryFolder."
    }
    $summary = '    {0} ({1:N0} MB, {2:N0} s)' -f $package.FullName, ($package.Length / 1MB),
        $watch.Elapsed.TotalSeconds
    $summary | Out-Host
}

function Invoke-XunitTests {
    <# Runs the engine's xunit tests and returns the counts read from the TRX file. #>
    Write-Step "run xunit tests ($Configuration, $Backend)"
    $resultsFolder = Join-Path $TestResultsFolder 'xunit'
    $trxPath = Join-Path $resultsFolder 'engine.trx'
    & dotnet test 'tests/DlClassifier.Engine.Tests' --nologo -c $Configuration "-p:DlBackend=$Backend" `
        --logger 'trx;LogFileName=engine.trx' --results-directory $resultsFolder | Out-Host
    $exitCode = $LASTEXITCODE

    if (-not (Test-Path $trxPath)) {
        throw "dotnet test wrote no result file at $trxPath (exit code $exitCode)."
    }
    [xml] $trx = Get-Content -Path $trxPath -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    # A crash of the test host can leave no failed test behind but still fails the run.
    if ($exitCode -ne 0 -and $failed -eq 0) {
        throw "dotnet test failed with exit code $exitCode although no test failed; see its output above."
    }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = $failed }
}

function Get-PesterManifestPath {
    <# Restores Pester from NuGet with a throwaway project and returns the path of its manifest. #>
    Write-Step 'restore Pester from NuGet'
    $project = Join-Path $RepositoryRoot 'build/pester/PesterDownload.csproj'
    Invoke-NativeCommand dotnet @('restore', $project, '--nologo', '-v', 'quiet')

    # The assets file names the packages folder NuGet really used (NUGET_PACKAGES, NuGet.Config or the
    # default) and the version the project asked for, so neither is repeated here.
    $assets = Get-Content -Path (Join-Path $RepositoryRoot 'build/pester/obj/project.assets.json') -Raw |
        ConvertFrom-Json -AsHashtable
    $download = $assets.project.frameworks.Values.downloadDependencies | Where-Object name -EQ 'Pester'
    $version = ($download.version -replace '^\[([^,\]]+).*$', '$1').Trim()
    $manifest = Join-Path $assets.project.restore.packagesPath "pester/$($version.ToLowerInvariant())/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        throw "Pester $version was restored but its manifest is missing at $manifest."
    }
    $manifest
}

function Invoke-PesterTests {
    <# Runs tests/Pester in a child PowerShell and returns the counts it wrote beside the NUnit report. #>
    $pesterManifest = Get-PesterManifestPath
    Write-Step 'run Pester tests in a fresh PowerShell'
    $resultsFolder = Join-Path $TestResultsFolder 'pester'
    $summaryPath = Join-Path $resultsFolder 'summary.json'
    # The child process gets its own copy of the module's native libraries and a clean Pester session.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $RepositoryRoot 'build/Invoke-PesterRun.ps1') `
        -PesterManifest $pesterManifest -TestPath (Join-Path $RepositoryRoot 'tests/Pester') `
        -ResultsFolder $resultsFolder | Out-Host
    $exitCode = $LASTEXITCODE

    if ($exitCode -ne 0 -or -not (Test-Path $summaryPath)) {
        throw "The Pester run could not complete (exit code $exitCode); see its output above."
    }
    $summary = Get-Content -Path $summaryPath -Raw | ConvertFrom-Json
    if ($summary.Passed + $summary.Failed -eq 0) {
        throw 'Pester found no test to run under tests/Pester.'
    }
    [pscustomobject]@{ Passed = [int]$summary.Passed; Failed = [int]$summary.Failed }
}

function Invoke-TestTask {
    <# Runs both suites even when one fails, then prints the combined count as the very last line. #>
    $passed = 0
    $failed = 0
    $problems = [System.Collections.Generic.List[string]]::new()

    try {
        Assert-HostRuntime -Purpose 'Test'
        Invoke-BuildTask
        if (Test-Path $TestResultsFolder) {
            Remove-Item -Path $TestResultsFolder -Recurse -Force
        }

        $runners = [ordered]@{ xunit = { Invoke-XunitTests }; Pester = { Invoke-PesterTests } }
        foreach ($name in $runners.Keys) {
            try {
                $counts = & $runners[$name]
                $passed += $counts.Passed
                $failed += $counts.Failed
            }
            catch {
                $problems.Add("${name}: $($_.Exception.Message)")
            }
        }
    }
    catch {
        $problems.Add("build: $($_.Exception.Message)")
    }

    foreach ($problem in $problems) {
        [Console]::Error.WriteLine("ERROR $problem")
    }
    Write-Host "$passed passed, $failed failed"
    if ($problems.Count -gt 0 -or $failed -gt 0) {
        exit 1
    }
}

function Invoke-DemoTask {
    Assert-HostRuntime -Purpose 'Demo'
    $demoScript = Join-Path $RepositoryRoot 'demo/Invoke-DlDemo.ps1'
    if (-not (Test-Path $demoScript)) {
        throw "The demo script is missing: $demoScript. It is not part of this checkout yet."
    }
    Invoke-BuildTask

    $demoOutput = Join-Path $OutputRoot 'demo'
    Write-Step "run the demo into $demoOutput"
    Invoke-NativeCommand dotnet @(
        'pwsh', '-NoProfile', '-NonInteractive', '-File', $demoScript, '-OutputDirectory', $demoOutput
    )
}

function Invoke-CleanTask {
    Write-Step 'remove out/ and the bin/ and obj/ folders of every project'
    $folders = @(Get-ChildItem -Path src, tests, build -Filter *.csproj -Recurse -File |
        ForEach-Object { Join-Path $_.DirectoryName 'bin'; Join-Path $_.DirectoryName 'obj' }) + $OutputRoot
    foreach ($folder in $folders) {
        if (Test-Path $folder) {
            Remove-Item -Path $folder -Recurse -Force
        }
    }
}

# Child PowerShell processes (import check, Pester, demo) find the freshly built module through this variable.
$previousModulePath = $env:DLCLASSIFIER_MODULE_PATH
$env:DLCLASSIFIER_MODULE_PATH = $ModuleManifest
Push-Location $RepositoryRoot
try {
    switch ($Task) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Demo' { Invoke-DemoTask }
        'Package' { Invoke-PackageTask }
        'Clean' { Invoke-CleanTask }
    }
}
finally {
    Pop-Location
    $env:DLCLASSIFIER_MODULE_PATH = $previousModulePath
}
