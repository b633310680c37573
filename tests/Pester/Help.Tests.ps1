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

    # The parameters every cmdlet gets from PowerShell, which the module does not document itself.
    $CommonParameters = @([System.Management.Automation.Cmdlet]::CommonParameters) +
        @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)

    function Get-HelpProperty {
        # A property of a help object, or null where help without text has no such property at all.
        param($InputObject, [Parameter(Mandatory)] [string] $Name)

        if ($null -eq $InputObject -or -not $InputObject.PSObject.Properties[$Name]) {
            return $null
        }
        $InputObject.$Name
    }

    function Get-HelpText {
        # The text of a description, which help keeps as a list of paragraphs with a Text property each.
        param($Description)

        (@($Description) | Where-Object { $_ } | ForEach-Object { Get-HelpProperty -InputObject $_ -Name 'Text' }) -join
            [System.Environment]::NewLine
    }
}

Describe '<Name>' -ForEach $Commands {
    Context 'help' {
        It 'has a synopsis, a description, an example and a description of every parameter' {
            $command = Get-Command -Name $Name
            $help = Get-Help -Name $Name -Full
            $missing = [System.Collections.Generic.List[string]]::new()

            # Without written help, PowerShell puts the syntax in the synopsis.
            $synopsis = "$($help.Synopsis)".Trim()
            if (-not $synopsis -or $synopsis -like "$Name *" -or $synopsis -eq $Name) {
                $missing.Add('synopsis')
            }
            if (-not (Get-HelpText -Description (Get-HelpProperty -InputObject $help -Name 'description')).Trim()) {
                $missing.Add('description')
            }
            $examples = Get-HelpProperty -InputObject (Get-HelpProperty -InputObject $help -Name 'examples') `
                -Name 'example'
            if (@($examples | Where-Object { $_ }).Count -eq 0) {
                $missing.Add('example')
            }
            $parameters = Get-HelpProperty -InputObject (Get-HelpProperty -InputObject $help -Name 'parameters') `
                -Name 'parameter'
            $described = @($parameters | Where-Object {
                    $_ -and (Get-HelpText -Description (Get-HelpProperty -InputObject $_ -Name 'description')).Trim()
                } | ForEach-Object name)
            foreach ($parameter in $command.Parameters.Keys | Sort-Object) {
                if ($parameter -notin $CommonParameters -and $parameter -notin $described) {
                    $missing.Add("-$parameter")
                }
            }

            $missing -join ', ' | Should -BeNullOrEmpty -Because 'every cmdlet documents what it does and takes'
        }
    }
}
