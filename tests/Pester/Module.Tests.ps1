Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $ModulePath = Get-DlModulePath
    $ModuleFolder = Split-Path -Path $ModulePath -Parent
    $ManifestData = Import-PowerShellDataFile -Path $ModulePath
    Import-Module -Name $ModulePath -Force -ErrorAction Stop
}

Describe 'DlClassifier module' {
    Context 'manifest' {
        It 'passes Test-ModuleManifest' {
            $manifest = Test-ModuleManifest -Path $ModulePath -ErrorAction Stop

            $manifest.Name | Should -Be 'DlClassifier'
            $manifest.Version | Should -Be ([version]'0.1.0')
            $manifest.RootModule | Should -Be 'DlClassifier.PowerShell.dll'
        }

        It 'requires PowerShell 7.4 on the Core edition' {
            $manifest = Test-ModuleManifest -Path $ModulePath -ErrorAction Stop

            $manifest.PowerShellVersion | Should -Be ([version]'7.4')
            $manifest.CompatiblePSEditions | Should -Be @('Core')
        }

        It 'lists exactly the module cmdlets in CmdletsToExport' {
            $expected = @(
                'Import-DlDataSet', 'Export-DlDataSet', 'Split-DlDataSet', 'New-DlClassifier',
                'Set-DlClassifierParam',
                'Get-DlClassifierParam', 'Start-DlTraining', 'Measure-DlClassifier', 'Get-DlConfusionMatrix',
                'Get-DlImageResult', 'Show-DlHeatmap', 'Show-DlAugmentation', 'Invoke-DlClassifier',
                'Export-DlClassifier', 'Import-DlClassifier', 'Get-DlDevice', 'Set-DlClassifierCalibration',
                'Export-DlReport', 'Export-DlImageTile'
            )

            @($ManifestData.CmdletsToExport) | Should -HaveCount $expected.Count
            @($ManifestData.CmdletsToExport | Sort-Object) | Should -Be @($expected | Sort-Object)
        }

        It 'exports no <Kind>' -TestCases @(
            @{ Kind = 'FunctionsToExport' }
            @{ Kind = 'AliasesToExport' }
            @{ Kind = 'VariablesToExport' }
        ) {
            $ManifestData.ContainsKey($Kind) | Should -BeTrue
            @($ManifestData[$Kind]) | Should -HaveCount 0
        }

        It 'names a format file that is published beside it' {
            $ManifestData.FormatsToProcess | Should -Be @('DlClassifier.Format.ps1xml')
            Join-Path $ModuleFolder 'DlClassifier.Format.ps1xml' | Should -Exist
        }
    }

    Context 'import' {
        It 'imports without error' {
            { Import-Module -Name $ModulePath -Force -ErrorAction Stop } | Should -Not -Throw

            $module = Get-Module -Name DlClassifier
            $module | Should -HaveCount 1
            $module.ModuleBase | Should -Be $ModuleFolder
            $module.Version | Should -Be ([version]'0.1.0')
        }

        It 'runs a tensor operation on the libtorch published beside it' {
            # Guards the build's pruning of libtorch natives and the GLIBCXX patch of libLibTorchSharp.so.
            # The module's own TorchSharp, from the load context that DlClassifier.Loader gives the engine.
            $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'DlClassifier'
            $assembly = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]'TorchSharp')
            $torch = $assembly.GetType('TorchSharp.torch')
            $ones = $torch::ones([long[]]@(2, 3))
            $product = $torch::matmul($ones, $ones.transpose(0, 1))

            $product.sum().item[float]() | Should -Be 12
            # TorchSharp copies libtorch into cpu/ while it searches for natives it could not load.
            Join-Path $ModuleFolder 'dependencies/cpu' | Should -Not -Exist
        }
    }
}
