Set-StrictMode -Version Latest

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $Commands = @(Get-Command -Module DlClassifier | Sort-Object -Property Name | ForEach-Object {
            @{ Name = $_.Name }
        })
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $ApprovedVerbs = @(Get-Verb | ForEach-Object Verb)
}

Describe '<Name>' -ForEach $Commands {
    BeforeAll {
        $Command = Get-Command -Name $Name
    }

    Context 'conventions' {
        It 'is a cmdlet with an approved verb' {
            $Command.CommandType | Should -Be 'Cmdlet'
            $Command.Verb | Should -BeIn $ApprovedVerbs
        }

        It 'has a noun that starts with Dl' {
            $Command.Noun | Should -BeLikeExactly 'Dl*'
        }

        It 'declares its output type' {
            $Command.OutputType | Should -Not -BeNullOrEmpty
        }

        It 'supports -WhatIf and -Confirm when it exports' {
            $expected = $Command.Verb -eq 'Export'

            $Command.Parameters.ContainsKey('WhatIf') | Should -Be $expected
            $Command.Parameters.ContainsKey('Confirm') | Should -Be $expected
        }

        It 'has -LiteralPath beside -Path' {
            if ($Command.Parameters.ContainsKey('Path')) {
                $Command.Parameters.ContainsKey('LiteralPath') | Should -BeTrue
            }
        }

        It 'binds piped files to -LiteralPath, never to a -Path that expands wildcards' {
            # A FileInfo has FullName and PSPath; a name such as 'bo[l]t' must not be read as a pattern.
            if ($Command.Parameters.ContainsKey('Path')) {
                $Command.Parameters['Path'].Aliases | Should -Not -Contain 'FullName'
                $Command.Parameters['Path'].Aliases | Should -Not -Contain 'PSPath'
            }
            $piped = @($Command.Parameters.Values | Where-Object {
                    $_.Name -eq 'Path' -and @($_.ParameterSets.Values.ValueFromPipelineByPropertyName) -contains $true
                })
            if ($piped) {
                $literal = $Command.Parameters['LiteralPath']
                $literal.Aliases | Should -Contain 'PSPath'
                @($literal.ParameterSets.Values.ValueFromPipelineByPropertyName) | Should -Contain $true
            }
        }

        It 'takes pipeline input on at most one parameter by value per parameter set' {
            foreach ($set in $Command.ParameterSets) {
                @($set.Parameters | Where-Object ValueFromPipeline) | Should -Not -HaveCount 2 -Because $set.Name
            }
        }
    }
}
