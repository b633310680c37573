Set-StrictMode -Version Latest

# Another module may load its own SkiaSharp or ImageSharp into the session before DlClassifier. The module keeps
# its engine and libraries in a load context of their own (src/DlClassifier.Loader), so both copies must work.
# SkiaSharp 2.88 stands in for the other module: its assembly version (2.88.0.0) differs from the 3.119.0.0 that
# ScottPlot needs, which in a shared load context fails with "manifest definition does not match".

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $ModulePath = Get-DlModulePath
    Import-Module -Name $ModulePath -Force -ErrorAction Stop

    function Get-OtherSkiaSharpPath {
        # Restores SkiaSharp 2.88.6 (MIT) with a throwaway project and returns its managed assembly.
        $project = Join-Path $TestDrive 'other/OtherSkiaSharp.csproj'
        $null = New-Item -Path (Split-Path $project) -ItemType Directory -Force
        Set-Content -Path $project -Value @'
<Project>
  <PropertyGroup>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
    <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
  </PropertyGroup>
  <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="SkiaSharp" Version="[2.88.6]" /></ItemGroup>
  <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
</Project>
'@
        $null = & dotnet restore $project --nologo -v quiet
        if ($LASTEXITCODE -ne 0) {
            throw "Restoring SkiaSharp 2.88.6 failed with exit code $LASTEXITCODE."
        }
        $assets = Get-Content -Path (Join-Path (Split-Path $project) 'obj/project.assets.json') -Raw |
            ConvertFrom-Json -AsHashtable
        Join-Path $assets.project.restore.packagesPath 'skiasharp/2.88.6/lib/net6.0/SkiaSharp.dll'
    }

    function Invoke-FreshPowerShell {
        # Runs a script file in a new PowerShell process of the same version and returns its output lines.
        param([string] $ScriptPath, [string[]] $ArgumentList)

        $process = [Environment]::ProcessPath
        # Under `dotnet pwsh` the process is dotnet itself, which needs the path of pwsh.dll first.
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        & $process @prefix -NoProfile -NonInteractive -File $ScriptPath @ArgumentList
    }

    $otherSkiaSharp = Get-OtherSkiaSharpPath
    $dataFolder = New-DlTestDataSet -Path (Join-Path $TestDrive 'data') -ClassCount ([ordered]@{ left = 4; right = 4 })
    $childScript = Join-Path $TestDrive 'child.ps1'
    Set-Content -Path $childScript -Value @'
param($OtherAssembly, $ModulePath, $DataFolder, $PlotPath)
$ErrorActionPreference = 'Stop'
$other = Add-Type -Path $OtherAssembly -PassThru | Select-Object -First 1
Import-Module $ModulePath
$assemblies = [AppDomain]::CurrentDomain.GetAssemblies()
$torchAfterImport = [bool]($assemblies | Where-Object { $_.GetName().Name -eq 'TorchSharp' })
$libtorchAfterImport = (Test-Path /proc/self/maps) -and
    [bool](Select-String -Path /proc/self/maps -Pattern 'libtorch_cpu|libLibTorchSharp' -Quiet)
$dataSet = Import-DlDataSet -Path $DataFolder | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50 -Seed 3
$classifier = New-DlClassifier -DataSet $dataSet
Set-DlClassifierParam -Classifier $classifier -Epochs 1 -BatchSize 4
$null = $dataSet | Start-DlTraining -Classifier $classifier -PlotPath $PlotPath -WarningVariable warnings 3>$null
$loaded = [AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { $_.GetName().Name -in 'SkiaSharp', 'SixLabors.ImageSharp' }
[ordered]@{
    OtherVersion = $other.Assembly.GetName().Version.ToString()
    TorchSharpAfterImport = $torchAfterImport
    LibtorchAfterImport = $libtorchAfterImport
    ImageCount   = $dataSet.Count
    Warnings     = @($warnings | ForEach-Object { "$_" })
    Loaded       = @($loaded | ForEach-Object {
        $context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
        '{0} {1} {2}' -f $_.GetName().Name, $_.GetName().Version, $context.Name
    })
} | ConvertTo-Json -Compress
'@
    $plotPath = Join-Path $TestDrive 'training.png'
    $output = Invoke-FreshPowerShell -ScriptPath $childScript -ArgumentList @(
        '-OtherAssembly', $otherSkiaSharp, '-ModulePath', $ModulePath
        '-DataFolder', $dataFolder, '-PlotPath', $plotPath
    )
    $ChildExitCode = $LASTEXITCODE
    $ChildOutput = @($output) -join [Environment]::NewLine
    $Child = @($output)[-1] | ConvertFrom-Json
}

Describe 'DlClassifier beside another module''s libraries' {
    Context 'a different SkiaSharp loaded first' {
        It 'runs the child session to the end' {
            $ChildExitCode | Should -Be 0 -Because $ChildOutput
            $Child.OtherVersion | Should -Be '2.88.0.0'
        }

        It 'imports images with its own ImageSharp' {
            $Child.ImageCount | Should -Be 8
            $Child.Loaded | Should -Contain 'SixLabors.ImageSharp 2.0.0.0 DlClassifier'
        }

        It 'draws the training plot with its own SkiaSharp' {
            $Child.Warnings | Where-Object { $_ -like '*plot*' } | Should -BeNullOrEmpty
            Test-DlPngSignature -Path $plotPath | Should -BeTrue
            $Child.Loaded | Should -Contain 'SkiaSharp 3.119.0.0 DlClassifier'
            $Child.Loaded | Should -Contain 'SkiaSharp 2.88.0.0 Default'
        }
    }

    Context 'import' {
        It 'loads neither TorchSharp nor libtorch until a cmdlet needs them' {
            $Child.TorchSharpAfterImport | Should -BeFalse
            $Child.LibtorchAfterImport | Should -BeFalse
        }
    }

    Context 'engine types' {
        It 'loads the engine into the module''s own load context' {
            $engine = [DlClassifier.Engine.Data.DlDataSet].Assembly
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine)

            $context.Name | Should -Be 'DlClassifier'
        }

        It 'resolves <TypeName> by name in scripts' -TestCases @(
            @{ TypeName = 'DlClassifier.Engine.DlClassifier' }
            @{ TypeName = 'DlClassifier.Engine.Data.DlDataSet' }
            @{ TypeName = 'DlClassifier.Engine.Evaluation.DlConfusionMatrix' }
        ) {
            ($TypeName -as [type]).FullName | Should -Be $TypeName
        }

        It 'keeps the engine and its libraries out of the module root' {
            $root = Split-Path -Path $ModulePath -Parent

            Join-Path $root 'DlClassifier.Engine.dll' | Should -Not -Exist
            Join-Path $root 'dependencies/DlClassifier.Engine.dll' | Should -Exist
            Join-Path $root 'dependencies/SkiaSharp.dll' | Should -Exist
        }
    }
}
