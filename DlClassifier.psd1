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

    # Imported before the root module: it loads the engine and its libraries into a load context of their own,
    # so that modules shipping other versions of ImageSharp or SkiaSharp can share the session.
    NestedModules        = @('DlClassifier.Loader.dll')

    FormatsToProcess     = @('DlClassifier.Format.ps1xml')

    CmdletsToExport      = @(
        'Import-DlDataSet'
        'Export-DlDataSet'
        'Split-DlDataSet'
        'New-DlClassifier'
        'Set-DlClassifierParam'
        'Get-DlClassifierParam'
        'Start-DlTraining'
        'Measure-DlClassifier'
        'Get-DlConfusionMatrix'
        'Get-DlImageResult'
        'Export-DlImageTile'
        'Show-DlHeatmap'
        'Show-DlAugmentation'
        'Invoke-DlClassifier'
        'Export-DlClassifier'
        'Import-DlClassifier'
        'Get-DlDevice'
        'Set-DlClassifierCalibration'
        'Export-DlReport'
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

        # What this copy of the module was built for; build.ps1 stamps both values (and adds both as tags)
        # into the published manifest. The libtorch natives inside work only on that runtime and backend.
        DlClassifier = @{
            BuildRuntime = 'source'
            BuildBackend = 'source'
        }
    }
}
