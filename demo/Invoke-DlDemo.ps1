<#
.SYNOPSIS
Runs the whole classifier workflow on the bundled Fashion-MNIST sample.

.DESCRIPTION
Imports the 5,000 bundled images (a folder per class), splits them 70/15/15 with a fixed seed, draws some
training images as augmentation changes them, trains the default compact CNN with the default parameters,
calibrates its probabilities on the validation set, evaluates it on the validation and then, once, on the
test set, draws the confusion matrix and Grad-CAM heatmaps of misclassified test images, writes an HTML report
on the test set, saves the classifier, loads it back and classifies a few images with the loaded copy.
Everything it writes goes to one folder.

.PARAMETER OutputDirectory
The folder for the outputs; created if missing.

.PARAMETER ModulePath
The module manifest to import; by default the built module (DLCLASSIFIER_MODULE_PATH, or out/DlClassifier).

.PARAMETER Epochs
Train this many epochs instead of the default; 0 keeps the default. A quick check of an installed module uses 1.

.EXAMPLE
dotnet pwsh -NoProfile -File ./demo/Invoke-DlDemo.ps1 -OutputDirectory ./out/demo
#>
[CmdletBinding()]
param(
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/demo'),
    [string] $ModulePath = $(if ($env:DLCLASSIFIER_MODULE_PATH) { $env:DLCLASSIFIER_MODULE_PATH }
                            else { Join-Path $PSScriptRoot '../out/DlClassifier/DlClassifier.psd1' }),
    [ValidateRange(0, 10000)] [int] $Epochs = 0
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module $ModulePath -Force
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$output = (Resolve-Path $OutputDirectory).ProviderPath
$samples = Join-Path $PSScriptRoot '../samples/fashion-mnist'
$clock = [Diagnostics.Stopwatch]::StartNew()

function Write-DemoLine([string] $Text) {
    # The demo is a script for people at a console: plain lines on the information stream, no colours.
    $line = "[{0,6:F1} s] {1}" -f $clock.Elapsed.TotalSeconds, $Text
    Write-Information -MessageData $line -InformationAction Continue
}

Write-DemoLine "Importing $samples"
$dataSet = Import-DlDataSet -Path $samples | Split-DlDataSet -TrainingPercent 70 -ValidationPercent 15 -Seed 42
Write-DemoLine ("{0} images in {1} classes: {2} training, {3} validation, {4} test" -f $dataSet.Count,
    $dataSet.ClassCount, $dataSet.TrainingCount, $dataSet.ValidationCount, $dataSet.TestCount)

$classifier = New-DlClassifier -DataSet $dataSet
if ($Epochs -gt 0) {
    Set-DlClassifierParam -Classifier $classifier -Epochs $Epochs
}
Write-DemoLine ("Network: {0}, {1}x{2}x{3}, {4:N0} parameters" -f $classifier.Architecture, $classifier.ImageWidth,
    $classifier.ImageHeight, $classifier.ImageChannels, $classifier.ParameterCount)
$parameters = Get-DlClassifierParam -Classifier $classifier
$augmented = @($dataSet | Show-DlAugmentation -Classifier $classifier -Path (Join-Path $output 'augmentation.png'))
Write-DemoLine ("Drew {0} training images as augmentation changes them: {1}" -f $augmented.Count,
    (Join-Path $output 'augmentation.png'))
Write-DemoLine (("Training {0} epochs, batch {1}, learning rate {2}, augmentation {3} on {4} % of images; " +
    "progress plot: {5}") -f $parameters.Epochs, $parameters.BatchSize, $parameters.LearningRate,
    $parameters.Augmentation, $parameters.AugmentationPercentage, (Join-Path $output 'training.png'))

# -Verbose prints one line per epoch as training goes, beside the progress bar.
$result = $dataSet | Start-DlTraining -Classifier $classifier -PlotPath (Join-Path $output 'training.png') `
    -CheckpointPath (Join-Path $output 'checkpoint.dlc') -Verbose
Write-DemoLine ("Best epoch {0}: validation error {1:P2} ({2:F0} s of training)" -f $result.BestEpoch,
    $result.BestValidationError, $result.Duration.TotalSeconds)

# Calibration uses only validation images, so the test numbers below stay an honest check of it.
$calibration = Set-DlClassifierCalibration -Classifier $classifier -DataSet $dataSet -Split Validation `
    -PlotPath (Join-Path $output 'reliability.png')
Write-DemoLine ("Temperature {0:N3}: validation ECE {1:P2} before, {2:P2} after" -f $calibration.Temperature,
    $calibration.EceBefore, $calibration.EceAfter)

$validation = $dataSet | Measure-DlClassifier -Classifier $classifier -Split Validation
$test = $dataSet | Measure-DlClassifier -Classifier $classifier -Split Test
$matrix = $test | Get-DlConfusionMatrix -PlotPath (Join-Path $output 'confusion-matrix.png')
$worst = $matrix.MostConfused | Select-Object -First 1
Write-DemoLine ("Validation top-1 error {0:P2}; test top-1 error {1:P2}" -f $validation.TopOneError, $test.TopOneError)
Write-DemoLine ("Most confused: {0} taken for {1} ({2} of {3} test images)" -f $worst.TrueClass, $worst.PredictedClass,
    $worst.Count, ($test.PerClass | Where-Object ClassName -eq $worst.TrueClass).Support)
$test.PerClass | Format-Table ClassName, Precision, Recall, FScore, Support | Out-String |
    Write-Information -InformationAction Continue

$heatmaps = $test | Get-DlImageResult -Misclassified -First 6 |
    Show-DlHeatmap -Classifier $classifier -OutputDirectory (Join-Path $output 'heatmaps')
Write-DemoLine ("Wrote {0} heatmaps of misclassified test images to {1}" -f @($heatmaps).Count,
    (Join-Path $output 'heatmaps'))

$report = Join-Path $output 'report.html'
$null = Export-DlReport -Classifier $classifier -DataSet $dataSet -Path $report -Split Test -Force
Write-DemoLine "Wrote the HTML report on the test set to $report"

$saved = Join-Path $output 'classifier.dlc'
Export-DlClassifier -Classifier $classifier -Path $saved -Force
$loaded = Import-DlClassifier -Path $saved
# One test image of each class, read back through the loaded copy.
$someImages = $dataSet.Samples | Where-Object Split -eq 'Test' | Group-Object ClassName |
    ForEach-Object { $_.Group[0].Path }
$predictions = $someImages | Invoke-DlClassifier -Classifier $loaded
$predictions | Select-Object @{ n = 'File'; e = { Split-Path $_.Path -Leaf } },
    @{ n = 'TrueClass'; e = { Split-Path (Split-Path $_.Path) -Leaf } },
    ClassName, @{ n = 'Confidence'; e = { '{0:P1}' -f $_.Confidence } } |
    Tee-Object -Variable table | Export-Csv -NoTypeInformation -Path (Join-Path $output 'predictions.csv')
$table | Format-Table | Out-String | Write-Information -InformationAction Continue
Write-DemoLine "Saved the classifier to $saved and classified $(@($someImages).Count) test images with the loaded copy"

Write-DemoLine "Outputs in $output"
Get-ChildItem -Path $output -Recurse -File | Where-Object Name -notlike '.*' |
    ForEach-Object {
        $relative = $_.FullName.Substring($output.Length + 1)
        Write-Information -MessageData "  $relative" -InformationAction Continue
    }

[pscustomobject]@{
    Classes             = $dataSet.ClassCount
    Training            = $dataSet.TrainingCount
    Validation          = $dataSet.ValidationCount
    Test                = $dataSet.TestCount
    BestEpoch           = $result.BestEpoch
    ValidationError     = $validation.TopOneError
    TestError           = $test.TopOneError
    MostConfused        = "$($worst.TrueClass) -> $($worst.PredictedClass)"
    Temperature         = [math]::Round($calibration.Temperature, 3)
    ValidationEce       = '{0:P2} -> {1:P2}' -f $calibration.EceBefore, $calibration.EceAfter
    Report              = $report
    OutputDirectory     = $output
    Seconds             = [math]::Round($clock.Elapsed.TotalSeconds, 1)
} | Format-List | Out-String | Write-Information -InformationAction Continue
