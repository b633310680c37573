@{
    RootModule           = 'DlClassifier.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '569c4872-de30-40f6-8e72-e0cff23412bf'
    Author               = 'DlClassifier contributors'
    Description          = 'Train, evaluate, explain and export image classifiers from PowerShell with TorchSharp.'

    # The module is built for .NET 8 and later, which only PowerShell 7.4+ provides. Naming the Core
    # edition makes Windows PowerShell 5.1 refuse the import with its own clear message.
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')

    FormatsToProcess     = @('DlClassifier.Format.ps1xml')

    CmdletsToExport      = @(
        'Import-DlDataSet'
        'Split-DlDataSet'
        'New-DlClassifier'
        'Set-DlClassifierParam'
        'Get-DlClassifierParam'
        'Start-DlTraining'
        'Measure-DlClassifier'
        'Get-DlConfusionMatrix'
        'Get-DlImageResult'
        'Show-DlHeatmap'
        'Show-DlAugmentation'
        'Invoke-DlClassifier'
        'Export-DlClassifier'
        'Import-DlClassifier'
        'Get-DlDevice'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags = @(
                'DeepLearning', 'MachineLearning', 'ImageClassification', 'TorchSharp', 'libtorch',
                'PSEdition_Core', 'Linux', 'Windows', 'MacOS'
            )
        }
    }
}
