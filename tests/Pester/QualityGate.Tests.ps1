Set-StrictMode -Version Latest

# The quality gate of docs/guide/Pester-quality-gate.md, run against a classifier small enough to train here:
# four patterned classes of 16x16 grey images that a few epochs learn well. A team points the same tests at
# its own data set and classifier file and sets the limits its product needs.

BeforeDiscovery {
    $ClassNames = 'stripes', 'bars', 'checks', 'square'
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $MaximumTopOneError = 0.10
    $MinimumRecall = 0.80

    $counts = [ordered]@{ stripes = 16; bars = 16; checks = 16; square = 16 }
    $root = New-DlTestDataSet -Path (Join-Path $TestDrive 'patterns') -ClassCount $counts -Seed 5
    $DataSet = Import-DlDataSet -Path $root | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 25 -Seed 5
    $Classifier = $DataSet | New-DlClassifier |
        Set-DlClassifierParam -Epochs 6 -BatchSize 8 -LearningRate 0.01 -Seed 5 -Threads 1 -PassThru
    $null = $DataSet | Start-DlTraining -Classifier $Classifier -WarningAction SilentlyContinue
    $Evaluation = $DataSet | Measure-DlClassifier -Classifier $Classifier -Split Test
}

Describe 'Classifier quality gate' {
    It 'keeps the top-1 error on the test split at most the limit' {
        $Evaluation.TopOneError | Should -BeLessOrEqual $MaximumTopOneError
    }

    It 'recognises at least the minimum share of <_> images' -ForEach $ClassNames {
        $class = $Evaluation.PerClass | Where-Object ClassName -EQ $_

        $class | Should -Not -BeNullOrEmpty -Because "the test split holds images of $_"
        $class.Recall | Should -BeGreaterOrEqual $MinimumRecall
    }
}
