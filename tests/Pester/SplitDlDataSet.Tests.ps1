Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    # Distinct sample images, copied under new names: five parts seen three times in each of two classes.
    $sources = @(Get-ChildItem -Path (Join-Path (Get-DlSamplePath) 'Bag') -Filter *.png | Select-Object -First 40)
    $PartsRoot = Join-Path $TestDrive 'parts'
    $next = 0
    foreach ($class in 'good', 'bad') {
        $null = New-Item -ItemType Directory -Path (Join-Path $PartsRoot $class)
        foreach ($part in 1..5) {
            foreach ($view in 'a', 'b', 'c') {
                $name = 'part{0}{1:D2}_{2}.png' -f $class, $part, $view
                Copy-Item -Path $sources[$next++].FullName -Destination (Join-Path $PartsRoot $class $name)
            }
        }
    }
    $PartsDataSet = Import-DlDataSet -Path $PartsRoot
}

Describe 'Split-DlDataSet' {
    Context 'groups' {
        It 'keeps all images of one part in one subset with -GroupBy <Seed>' -TestCases @(
            @{ Seed = 1 }, @{ Seed = 2 }, @{ Seed = 3 }, @{ Seed = 4 }
        ) {
            # Parts of three cannot meet 70/15/15 of fifteen images exactly; the warnings about it are expected.
            $split = $PartsDataSet |
                Split-DlDataSet -GroupBy '^(?<group>part\w+?)_' -Seed $Seed -WarningAction SilentlyContinue

            foreach ($part in $split.Samples | Group-Object Group) {
                @($part.Group.Split | Sort-Object -Unique) | Should -HaveCount 1
                $part.Count | Should -Be 3
            }
            @($split.Samples.Group | Sort-Object -Unique) | Should -HaveCount 10
        }

        It 'splits again by the groups the data set carries' {
            $first = $PartsDataSet |
                Split-DlDataSet -GroupBy '^(?<group>part\w+?)_' -Seed 1 -WarningAction SilentlyContinue

            $second = $first | Split-DlDataSet -GroupBy Group -Seed 9 -WarningAction SilentlyContinue

            foreach ($part in $second.Samples | Group-Object Group) {
                @($part.Group.Split | Sort-Object -Unique) | Should -HaveCount 1
            }
        }

        It 'keeps byte-identical copies in one subset' {
            $root = Join-Path $TestDrive 'copies'
            $coats = Join-Path (Get-DlSamplePath) 'Coat'
            $sources = @(Get-ChildItem -Path $coats -Filter *.png | Select-Object -First 10)
            $null = New-Item -ItemType Directory -Path (Join-Path $root 'coat')
            foreach ($index in 0..9) {
                Copy-Item -Path $sources[$index].FullName -Destination (Join-Path $root 'coat' "$index.png")
                Copy-Item -Path $sources[$index].FullName -Destination (Join-Path $root 'coat' "$index-copy.png")
            }
            $dataSet = Import-DlDataSet -Path $root

            foreach ($seed in 1..5) {
                $split = $dataSet | Split-DlDataSet -Seed $seed
                foreach ($copies in $split.Samples | Group-Object ContentHash) {
                    @($copies.Group.Split | Sort-Object -Unique) | Should -HaveCount 1
                }
            }
        }

        It 'splits again after the image files are gone' {
            $root = Join-Path $TestDrive 'gone'
            Copy-Item -Path $PartsRoot -Destination $root -Recurse
            $dataSet = Import-DlDataSet -Path $root
            Remove-Item -Path $root -Recurse -Force

            $split = $dataSet | Split-DlDataSet -Seed 5

            $split.IsSplit | Should -BeTrue
            $split.Count | Should -Be 30
        }
    }

    Context 'messages' {
        It 'reports the counts of every class in the verbose stream' {
            $verbose = $PartsDataSet | Split-DlDataSet -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

            $verbose.Message | Should -Contain "Class 'bad': 11 training, 2 validation, 2 test."
            $verbose.Message | Should -Contain "Class 'good': 11 training, 2 validation, 2 test."
        }

        It 'puts a class too small for three subsets into training and names it in a warning' {
            $root = Join-Path $TestDrive 'small'
            Copy-Item -Path $PartsRoot -Destination $root -Recurse
            $null = New-Item -ItemType Directory -Path (Join-Path $root 'rare')
            $rare = Get-ChildItem -Path (Join-Path (Get-DlSamplePath) 'Dress') -Filter *.png | Select-Object -First 2
            $rare | Copy-Item -Destination (Join-Path $root 'rare')
            $dataSet = Import-DlDataSet -Path $root

            $split = $dataSet | Split-DlDataSet -WarningVariable warnings -WarningAction SilentlyContinue

            @($split.Samples | Where-Object ClassName -EQ 'rare' | ForEach-Object Split | Sort-Object -Unique) |
                Should -Be @('Training')
            @($warnings) | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike "The class 'rare' has too few images*"
        }

        It 'warns when file names do not match the pattern' {
            $null = $PartsDataSet | Split-DlDataSet -GroupBy '^(?<group>partgood\d+)_' -WarningVariable warnings `
                -WarningAction SilentlyContinue

            "$($warnings[0])" | Should -BeLike '15 of 30 file names do not match*'
        }
    }

    Context 'import report' {
        It 'keeps the import report of the data set it splits' {
            $split = $PartsDataSet | Split-DlDataSet -Seed 1 -WarningAction SilentlyContinue

            $split.ImportReport | Should -Be $PartsDataSet.ImportReport
            $split.ImportReport.ImageCount | Should -Be 30
            $split.ImportReport.ClassCounts['good'] | Should -Be 15
        }
    }

    Context 'errors' {
        It 'refuses -GroupBy <GroupBy> as ParameterInvalid' -TestCases @(
            @{ GroupBy = '^part\d+_' }
            @{ GroupBy = '^(?<part>part\d+)_' }
            @{ GroupBy = '^(?<group>part' }
        ) {
            { $PartsDataSet | Split-DlDataSet -GroupBy $GroupBy } |
                Should -Throw -ErrorId 'ParameterInvalid,DlClassifier.PowerShell.Commands.SplitDlDataSetCommand'
        }

        It 'shows the plain sentence for a -GroupBy it cannot use, without .NET parameter text' {
            $thrown = { $PartsDataSet | Split-DlDataSet -GroupBy '^(?<part>part\d+)_' } | Should -Throw -PassThru `
                -ErrorId 'ParameterInvalid,DlClassifier.PowerShell.Commands.SplitDlDataSetCommand'

            "$thrown" | Should -BeLike "'^(?<part>part\d+)_' is neither a property*"
            "$thrown" | Should -Not -BeLike '*(Parameter *'
            "$thrown" | Should -BeLike '*out of the file name.'
        }

        It 'refuses shares that add up to more than 100 as ParameterInvalid' {
            { $PartsDataSet | Split-DlDataSet -TrainingPercent 80 -ValidationPercent 30 } |
                Should -Throw -ErrorId 'ParameterInvalid,DlClassifier.PowerShell.Commands.SplitDlDataSetCommand'
        }
    }
}
