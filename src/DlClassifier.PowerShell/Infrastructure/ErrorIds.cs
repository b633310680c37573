namespace DlClassifier.PowerShell.Infrastructure;

/// <summary>
/// The stable error ids of the module. Scripts and Pester tests match on these (FullyQualifiedErrorId
/// starts with them), so an id never changes once released.
/// </summary>
internal static class ErrorIds
{
    public const string PathNotFound = "PathNotFound";
    public const string ImageUnreadable = "ImageUnreadable";
    public const string ImageTooLarge = "ImageTooLarge";
    public const string DataSetInvalid = "DataSetInvalid";
    public const string DataSetNotSplit = "DataSetNotSplit";
    public const string SplitEmpty = "SplitEmpty";
    public const string ParameterInvalid = "ParameterInvalid";
    public const string ClassUnknown = "ClassUnknown";
    public const string ClassifierInvalid = "ClassifierInvalid";
    public const string ClassifierFileInvalid = "ClassifierFileInvalid";
    public const string FileExists = "FileExists";
    public const string TrainingFailed = "TrainingFailed";
    public const string DeviceUnavailable = "DeviceUnavailable";
    public const string WriteFailed = "WriteFailed";
    public const string WeightFileInvalid = "WeightFileInvalid";
    public const string WeightsMismatch = "WeightsMismatch";
    public const string PretrainedModelUnavailable = "PretrainedModelUnavailable";
    public const string ExportNotSupported = "ExportNotSupported";
}
