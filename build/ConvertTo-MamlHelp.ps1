<#
.SYNOPSIS
Compiles the cmdlet pages in docs/cmdlets into the module's MAML help, and about_DlClassifier.md into a topic.

.DESCRIPTION
Each docs/cmdlets/<Verb-Noun>.md page is read in the platyPS layout (## SYNOPSIS, ## DESCRIPTION, ## EXAMPLES
with ### Example headings, ## PARAMETERS with ### -Name headings, ## INPUTS, ## OUTPUTS, ## NOTES). The syntax,
parameter types, positions and pipeline input come from the imported module itself, so help can never
disagree with the code about them; the words come from the page. The result is
<ModuleFolder>/en-US/DlClassifier.PowerShell.dll-Help.xml plus about_DlClassifier.help.txt.
Run it in a fresh PowerShell, because it imports the built module.

.PARAMETER ModuleFolder
The built module folder (holding DlClassifier.psd1).

.PARAMETER DocsFolder
The folder with cmdlets/*.md and about_DlClassifier.md.

.EXAMPLE
dotnet pwsh -NoProfile -File build/ConvertTo-MamlHelp.ps1 -ModuleFolder out/DlClassifier -DocsFolder docs
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $DocsFolder
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$commandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$mamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$devNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Split-MarkdownSection {
    # Splits markdown text at headings of one level into an ordered map of heading → body.
    param([string] $Text, [string] $Marker)

    $sections = [ordered]@{}
    $current = $null
    $body = [System.Text.StringBuilder]::new()
    $inCode = $false
    foreach ($line in $Text -split "`r?`n") {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line.StartsWith("$Marker ") -and -not $line.StartsWith("$Marker#")) {
            if ($null -ne $current) { $sections[$current] = $body.ToString() }
            $current = $line.Substring($Marker.Length + 1).Trim()
            $body.Clear() | Out-Null
            continue
        }
        $body.AppendLine($line) | Out-Null
    }
    if ($null -ne $current) { $sections[$current] = $body.ToString() }
    $sections
}

function Get-Paragraph {
    # The prose paragraphs of a markdown body, code blocks and yaml blocks left out.
    param([string] $Text)

    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    foreach ($line in $Text -split "`r?`n") {
        if ($line -match '^```') {
            $inCode = -not $inCode
            continue
        }
        if ($inCode) { continue }
        if ($line.Trim() -eq '') {
            if ($current.Count) { $paragraphs.Add(($current -join ' ')); $current.Clear() }
            continue
        }
        $current.Add($line.Trim())
    }
    if ($current.Count) { $paragraphs.Add(($current -join ' ')) }
    , $paragraphs.ToArray()
}

function Get-CodeBlock {
    # The fenced code blocks of a markdown body, each as one string.
    param([string] $Text)

    $blocks = [System.Collections.Generic.List[string]]::new()
    $current = $null
    foreach ($line in $Text -split "`r?`n") {
        if ($line -match '^```') {
            if ($null -eq $current) {
                $current = [System.Collections.Generic.List[string]]::new()
            }
            else {
                $blocks.Add(($current -join "`n"))
                $current = $null
            }
            continue
        }
        if ($null -ne $current) { $current.Add($line) }
    }
    , $blocks.ToArray()
}

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)

    $Writer.WriteStartElement('maml', 'description', $mamlNamespace)
    foreach ($paragraph in $Paragraphs) {
        $Writer.WriteElementString('maml', 'para', $mamlNamespace, $paragraph)
    }
    $Writer.WriteEndElement()
}

function Get-PipelineInput {
    param([System.Management.Automation.ParameterMetadata] $Parameter)

    $kinds = @()
    foreach ($set in $Parameter.ParameterSets.Values) {
        if ($set.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($set.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    }
    $kinds = @($kinds | Select-Object -Unique)
    if ($kinds.Count -eq 0) { 'False' } else { 'True ({0})' -f ($kinds -join ', ') }
}

function Write-ParameterElement {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.ParameterMetadata] $Parameter,
        [string] $Description, $SetMetadata)

    $Writer.WriteStartElement('command', 'parameter', $commandNamespace)
    $required = if ($SetMetadata) { $SetMetadata.IsMandatory } else {
        @($Parameter.ParameterSets.Values | Where-Object IsMandatory).Count -gt 0 }
    $position = if ($SetMetadata) { $SetMetadata.Position } else {
        ($Parameter.ParameterSets.Values | Select-Object -First 1).Position }
    $Writer.WriteAttributeString('required', "$required".ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $(if ($Parameter.Name -eq 'Path') { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $Parameter))
    $Writer.WriteAttributeString('position', $(if ($position -ge 0) { "$position" } else { 'named' }))
    $Writer.WriteElementString('maml', 'name', $mamlNamespace, $Parameter.Name)
    Write-Para -Writer $Writer -Paragraphs @($Description)
    $isSwitch = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $commandNamespace)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteString($Parameter.ParameterType.Name)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $devNamespace)
    $Writer.WriteElementString('maml', 'name', $mamlNamespace, $Parameter.ParameterType.FullName)
    $Writer.WriteEndElement()
    if ($Parameter.Aliases.Count) {
        $Writer.WriteElementString('command', 'aliases', $commandNamespace, ($Parameter.Aliases -join ', '))
    }
    $Writer.WriteEndElement()
}

$ModuleFolder = (Resolve-Path -LiteralPath $ModuleFolder).ProviderPath
$DocsFolder = (Resolve-Path -LiteralPath $DocsFolder).ProviderPath
Import-Module (Join-Path $ModuleFolder 'DlClassifier.psd1') -Force
$common = @([System.Management.Automation.Cmdlet]::CommonParameters) +
    @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)
$helpFolder = Join-Path $ModuleFolder 'en-US'
$null = New-Item -ItemType Directory -Force -Path $helpFolder

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpFile = Join-Path $helpFolder 'DlClassifier.PowerShell.dll-Help.xml'
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in Get-Command -Module DlClassifier -CommandType Cmdlet | Sort-Object Name) {
        $page = Join-Path $DocsFolder "cmdlets/$($command.Name).md"
        if (-not (Test-Path $page)) {
            Write-Warning "No help page for $($command.Name): $page"
            continue
        }
        $sections = Split-MarkdownSection -Text (Get-Content -Raw -Path $page) -Marker '##'
        $section = { param($name) if ($sections.Contains($name)) { $sections[$name] } else { '' } }
        $parameterDocs = Split-MarkdownSection -Text (& $section 'PARAMETERS') -Marker '###'

        $writer.WriteStartElement('command', 'command', $commandNamespace)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $mamlNamespace)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $devNamespace)
        $writer.WriteStartElement('command', 'details', $commandNamespace)
        $writer.WriteElementString('command', 'name', $commandNamespace, $command.Name)
        $writer.WriteElementString('command', 'verb', $commandNamespace, $command.Verb)
        $writer.WriteElementString('command', 'noun', $commandNamespace, $command.Noun)
        Write-Para -Writer $writer -Paragraphs (Get-Paragraph (& $section 'SYNOPSIS'))
        $writer.WriteEndElement()
        Write-Para -Writer $writer -Paragraphs (Get-Paragraph (& $section 'DESCRIPTION'))

        $describe = {
            param($name)
            $key = "-$name"
            if ($parameterDocs.Contains($key)) { (Get-Paragraph $parameterDocs[$key]) -join ' ' } else { '' }
        }
        $writer.WriteStartElement('command', 'syntax', $commandNamespace)
        foreach ($set in $command.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $commandNamespace)
            $writer.WriteElementString('maml', 'name', $mamlNamespace, $command.Name)
            foreach ($setParameter in $set.Parameters | Where-Object Name -NotIn $common) {
                $metadata = $command.Parameters[$setParameter.Name]
                Write-ParameterElement -Writer $writer -Parameter $metadata -Description (& $describe $metadata.Name) `
                    -SetMetadata ($metadata.ParameterSets[$set.Name] ?? $metadata.ParameterSets['__AllParameterSets'])
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $commandNamespace)
        foreach ($metadata in $command.Parameters.Values | Where-Object Name -NotIn $common) {
            Write-ParameterElement -Writer $writer -Parameter $metadata -Description (& $describe $metadata.Name)
        }
        $writer.WriteEndElement()

        foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
            $writer.WriteStartElement('command', $kind[1], $commandNamespace)
            foreach ($entry in (Split-MarkdownSection -Text (& $section $kind[0]) -Marker '###').GetEnumerator()) {
                $writer.WriteStartElement('command', $kind[2], $commandNamespace)
                $writer.WriteStartElement('dev', 'type', $devNamespace)
                $writer.WriteElementString('maml', 'name', $mamlNamespace, $entry.Key)
                $writer.WriteEndElement()
                Write-Para -Writer $writer -Paragraphs (Get-Paragraph $entry.Value)
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('maml', 'alertSet', $mamlNamespace)
        $writer.WriteStartElement('maml', 'alert', $mamlNamespace)
        foreach ($paragraph in Get-Paragraph (& $section 'NOTES')) {
            $writer.WriteElementString('maml', 'para', $mamlNamespace, $paragraph)
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'examples', $commandNamespace)
        foreach ($example in (Split-MarkdownSection -Text (& $section 'EXAMPLES') -Marker '###').GetEnumerator()) {
            [string[]] $code = Get-CodeBlock $example.Value
            $writer.WriteStartElement('command', 'example', $commandNamespace)
            $writer.WriteElementString('maml', 'title', $mamlNamespace, "---------- $($example.Key) ----------")
            # The command and the output it gives read as one block, as at the console; prose follows it.
            $writer.WriteElementString('dev', 'code', $devNamespace, ($code -join "`n`n"))
            $writer.WriteStartElement('dev', 'remarks', $devNamespace)
            $writer.WriteElementString('maml', 'para', $mamlNamespace, '')
            foreach ($paragraph in Get-Paragraph $example.Value) {
                $writer.WriteElementString('maml', 'para', $mamlNamespace, $paragraph)
            }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
}
finally {
    $writer.Dispose()
}

$about = Join-Path $DocsFolder 'about_DlClassifier.md'
if (Test-Path $about) {
    # About topics are plain text; markdown headings and fences read well enough as they are.
    Get-Content -Path $about | Set-Content -Path (Join-Path $helpFolder 'about_DlClassifier.help.txt') -Encoding utf8
}
"    help for $(@(Get-Command -Module DlClassifier -CommandType Cmdlet).Count) cmdlets in $helpFile"
