Set-StrictMode -Version Latest

# The layout and manifest that build.ps1 gives the published module, which Package turns into a module package.
# The package itself is checked end to end by build/Test-PackageInstall.ps1, which is run by hand (see README).

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $ModulePath = Get-DlModulePath
    $ModuleFolder = Split-Path -Path $ModulePath -Parent
    $ManifestData = Import-PowerShellDataFile -Path $ModulePath
    $HostRuntime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
}

Describe 'Published module' {
    Context 'manifest stamped by the build' {
        It 'names the runtime it was built for' {
            $ManifestData.PrivateData.DlClassifier.BuildRuntime | Should -Be $HostRuntime
        }

        It 'names the cpu backend, the one the tests run' {
            $ManifestData.PrivateData.DlClassifier.BuildBackend | Should -Be 'cpu'
        }

        It 'tags the package with its runtime and backend' {
            $ManifestData.PrivateData.PSData.Tags | Should -Contain $HostRuntime
            $ManifestData.PrivateData.PSData.Tags | Should -Contain 'cpu'
        }

        It 'imports the loader as a nested module before the cmdlets' {
            $ManifestData.NestedModules | Should -Be @('DlClassifier.Loader.dll')
            Join-Path $ModuleFolder 'DlClassifier.Loader.dll' | Should -Exist
        }
    }

    Context 'layout' {
        It 'keeps only the manifest, cmdlets, loader, views and help at the root' {
            $allowed = 'DlClassifier.psd1', 'DlClassifier.Format.ps1xml', 'en-US', 'dependencies'
            $unexpected = Get-ChildItem -Path $ModuleFolder | Where-Object {
                $_.Name -notin $allowed -and $_.Name -notlike 'DlClassifier.PowerShell.*' -and
                    $_.Name -notlike 'DlClassifier.Loader.*'
            }

            $unexpected | Should -BeNullOrEmpty
        }

        It 'holds <FileName> in dependencies/' -TestCases @(
            @{ FileName = 'DlClassifier.Engine.dll' }
            @{ FileName = 'TorchSharp.dll' }
            @{ FileName = 'TorchSharp.PyBridge.dll' }
            @{ FileName = 'SixLabors.ImageSharp.dll' }
            @{ FileName = 'SkiaSharp.dll' }
            @{ FileName = 'ScottPlot.dll' }
        ) {
            Join-Path $ModuleFolder "dependencies/$FileName" | Should -Exist
        }

        It 'leaves out the libtorch Python bindings' {
            Get-ChildItem -Path $ModuleFolder -Recurse -File -Filter '*torch_python*' | Should -BeNullOrEmpty
        }
    }
}
