Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $ReportCommand = 'DlClassifier.PowerShell.Commands.ExportDlReportCommand'
    $SectionIds = @('summary', 'training', 'metrics', 'confusion', 'hardest', 'calibration')

    # A class name with an ampersand shows that text from the data is HTML-encoded.
    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ 'bars & co' = 6; stripes = 6 })
    $Unsplit = Import-DlDataSet -Path $DataRoot
    $DataSet = Split-DlDataSet -DataSet $Unsplit -TrainingPercent 50 -ValidationPercent 25
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 1 -BatchSize 4 -LearningRate 0.01 -Seed 5 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet

    $Browser = @('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable') |
        ForEach-Object { Get-Command -Name $_ -CommandType Application -ErrorAction SilentlyContinue } |
        Select-Object -First 1

    function Get-ImageSource {
        # The src attribute of every <img> element of an HTML text.
        param([Parameter(Mandatory)] [string] $Html)

        [regex]::Matches($Html, '<img\b[^>]*?\bsrc="([^"]*)"') | ForEach-Object { $_.Groups[1].Value }
    }
}

Describe 'Export-DlReport' {
    Context 'content' {
        BeforeAll {
            $ReportPath = Join-Path $TestDrive 'report.html'
            $File = Export-DlReport -Classifier $Classifier -DataSet $DataSet -Path $ReportPath
            $Html = Get-Content -LiteralPath $ReportPath -Raw
        }

        It 'writes the report and returns its file' {
            $File | Should -BeOfType ([System.IO.FileInfo])
            $File.FullName | Should -Be $ReportPath
        }

        It 'has the section <Id>' -TestCases @(
            @{ Id = 'summary' }, @{ Id = 'training' }, @{ Id = 'metrics' }, @{ Id = 'confusion' },
            @{ Id = 'hardest' }, @{ Id = 'calibration' }
        ) {
            $Html | Should -Match "<section id=""$Id"">"
        }

        It 'embeds every picture as a data URI and loads nothing from elsewhere' {
            $sources = @(Get-ImageSource -Html $Html)

            $sources.Count | Should -BeGreaterOrEqual 3
            $sources | ForEach-Object { $_ | Should -BeLike 'data:image/png;base64,*' }
            $Html | Should -Not -Match '<script|<link|https?://'
        }

        It 'encodes text from the data as HTML' {
            $Html | Should -Match 'bars &amp; co'
            $Html | Should -Not -Match 'bars & co'
        }
    }

    Context 'parameters' {
        It 'reports on the test split with -Split Test and records that the test set was used' {
            $path = Join-Path $TestDrive 'test-report.html'

            $null = Export-DlReport $Classifier $DataSet $path -Split Test

            Get-Content -LiteralPath $path -Raw | Should -Match "Test \($($DataSet.TestCount) images\)"
            $Classifier.TestEvaluatedAt | Should -Not -BeNullOrEmpty
        }

        It 'takes a file name with brackets literally with -LiteralPath' {
            $path = Join-Path $TestDrive 'report [1].html'

            $null = Export-DlReport -Classifier $Classifier -DataSet $DataSet -LiteralPath $path -HardestCount 0

            Test-Path -LiteralPath $path | Should -BeTrue
        }

        It 'takes the data set from the pipeline' {
            $path = Join-Path $TestDrive 'piped.html'

            $null = $DataSet | Export-DlReport -Classifier $Classifier -Path $path

            Test-Path -LiteralPath $path | Should -BeTrue
        }

        It 'replaces an existing file with -Force' {
            $path = Join-Path $TestDrive 'again.html'
            Set-Content -LiteralPath $path -Value 'old'

            $null = Export-DlReport $Classifier $DataSet $path -Force

            Get-Content -LiteralPath $path -Raw | Should -Match '<!DOCTYPE html>'
        }
    }

    Context 'WhatIf' {
        It 'writes nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif.html'

            $output = @(Export-DlReport $Classifier $DataSet $path -WhatIf)

            $output | Should -HaveCount 0
            Test-Path -LiteralPath $path | Should -BeFalse
        }
    }

    Context 'errors' {
        It 'throws FileExists for an existing file without -Force and leaves it alone' {
            $path = Join-Path $TestDrive 'kept.html'
            Set-Content -LiteralPath $path -Value 'keep me'

            { Export-DlReport $Classifier $DataSet $path } | Should -Throw -ErrorId "FileExists,$ReportCommand"
            (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'keep me'
        }

        It 'throws SplitEmpty for an unsplit data set' {
            { Export-DlReport $Classifier $Unsplit (Join-Path $TestDrive 'empty.html') } |
                Should -Throw -ErrorId "SplitEmpty,$ReportCommand"
        }

        It 'rejects -HardestCount <Count> by parameter validation' -TestCases @(@{ Count = -1 }, @{ Count = 201 }) {
            { Export-DlReport $Classifier $DataSet (Join-Path $TestDrive 'x.html') -HardestCount $Count } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$ReportCommand"
        }
    }

    Context 'in a browser' {
        It 'shows every section and only embedded pictures in a headless browser' {
            if (-not $Browser) {
                Set-ItResult -Skipped -Because 'no Chromium or Chrome is installed to render the report'
                return
            }
            $path = Join-Path $TestDrive 'browser.html'
            $null = Export-DlReport $Classifier $DataSet $path
            $browserProfile = Join-Path $TestDrive 'browser-profile'
            $null = New-Item -Path $browserProfile -ItemType Directory -Force
            $uri = [System.Uri]::new($path, [System.UriKind]::Absolute).AbsoluteUri

            $dom = & $Browser.Source --headless --no-sandbox --disable-gpu --disable-background-networking `
                --disable-component-update --disable-sync --no-first-run "--user-data-dir=$browserProfile" `
                --dump-dom $uri 2>$null | Out-String

            $LASTEXITCODE | Should -Be 0
            foreach ($id in $SectionIds) {
                $dom | Should -Match "<section id=""$id"">" -Because "section $id"
            }
            $sources = @(Get-ImageSource -Html $dom)
            $sources.Count | Should -BeGreaterOrEqual 3
            $sources | ForEach-Object { $_ | Should -BeLike 'data:*' }
        }
    }
}
