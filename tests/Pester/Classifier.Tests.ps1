Set-StrictMode -Version Latest

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    # The fallback to the CPU can only be seen on a machine without CUDA.
    $HasCuda = @(Get-DlDevice | Where-Object Kind -EQ 'Cuda').Count -gt 0
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $NewCommand = 'DlClassifier.PowerShell.Commands.NewDlClassifierCommand'
    $SetCommand = 'DlClassifier.PowerShell.Commands.SetDlClassifierParamCommand'

    # Three grey 16x12 images and one colour 20x20 image: the most common shape is 16x12 grey.
    $MixedRoot = "$TestDrive/mixed"
    $null = New-DlTestPng -Path "$MixedRoot/bolt/b1.png" -Width 16 -Height 12
    $null = New-DlTestPng -Path "$MixedRoot/bolt/b2.png" -Width 16 -Height 12
    $null = New-DlTestPng -Path "$MixedRoot/nut/n1.png" -Width 16 -Height 12
    $null = New-DlTestPng -Path "$MixedRoot/nut/n2.png" -Width 20 -Height 20 -Channels 3
    $Mixed = Import-DlDataSet -Path $MixedRoot
}

Describe 'New-DlClassifier' {
    Context 'parameters' {
        It 'takes the classes of the data set' {
            $classifier = New-DlClassifier -DataSet $Mixed

            $classifier.ClassNames | Should -Be @('bolt', 'nut')
        }

        It 'takes the most common image size and channel count of the data set' {
            $classifier = New-DlClassifier -DataSet $Mixed

            $classifier.ImageWidth | Should -Be 16
            $classifier.ImageHeight | Should -Be 12
            $classifier.ImageChannels | Should -Be 1
        }

        It 'takes colour input from a data set of colour images' {
            $root = "$TestDrive/colour"
            $null = New-DlTestPng -Path "$root/red/r.png" -Width 10 -Height 10 -Channels 3
            $null = New-DlTestPng -Path "$root/blue/b.png" -Width 10 -Height 10 -Channels 3

            $classifier = Import-DlDataSet -Path $root | New-DlClassifier

            $classifier.ImageChannels | Should -Be 3
        }

        It 'takes the size nearest the median area, not the smallest, when no size repeats, and says so' {
            # Areas 1, 784, 900 and 1024: the upper median is 900, so one stray 1x1 file does not set the size.
            $root = "$TestDrive/no-repeat"
            $null = New-DlTestPng -Path "$root/bolt/a.png" -Width 28 -Height 28
            $null = New-DlTestPng -Path "$root/bolt/b.png" -Width 30 -Height 30
            $null = New-DlTestPng -Path "$root/nut/c.png" -Width 32 -Height 32
            $null = New-DlTestPng -Path "$root/nut/stray.png" -Width 1 -Height 1

            $output = Import-DlDataSet -Path $root | New-DlClassifier -Verbose 4>&1

            $classifier = $output | Where-Object { $_ -is [DlClassifier.Engine.DlClassifier] }
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            ($classifier.ImageWidth, $classifier.ImageHeight) | Should -Be @(30, 30)
            $verbose[0].Message | Should -Be ('The input size is 30×30: 4 sizes have 1 of 4 images each, and of ' +
                'those it is nearest the median image area.')
        }

        It 'says in the verbose stream which size is the most common' {
            $verbose = @(New-DlClassifier -DataSet $Mixed -Verbose 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })

            $verbose[0].Message | Should -Be 'The input size is 16×12, the most common size (3 of 4 images).'
        }

        It 'lets -<Name> <Value> override the data set' -TestCases @(
            @{ Name = 'ImageWidth'; Value = 24 }
            @{ Name = 'ImageHeight'; Value = 8 }
            @{ Name = 'ImageChannels'; Value = 3 }
        ) {
            $arguments = @{ DataSet = $Mixed; $Name = $Value }

            $classifier = New-DlClassifier @arguments

            $classifier.$Name | Should -Be $Value
        }

        It 'builds a classifier from class names and an input size' {
            $classifier = New-DlClassifier -ClassName 'ok', 'scratch', 'dent' -ImageWidth 32 -ImageHeight 24 `
                -ImageChannels 3

            $classifier.ClassNames | Should -Be @('ok', 'scratch', 'dent')
            $classifier.ImageWidth | Should -Be 32
            $classifier.ImageHeight | Should -Be 24
            $classifier.ImageChannels | Should -Be 3
        }

        It 'builds the compact CNN unless told otherwise' {
            (New-DlClassifier -DataSet $Mixed).Architecture | Should -Be 'CompactCnn'
        }

        # torchvision's counts for 10 classes and colour input, less the first convolution's weights for two of
        # its three input channels and the classifier's weights for eight of its ten classes.
        It 'builds a <Architecture> with <Parameters> parameters for two grey classes' -TestCases @(
            @{ Architecture = 'ResNet18'; Parameters = 11181642 - 2 * 64 * 7 * 7 - 8 * 513 }
            @{ Architecture = 'ResNet50'; Parameters = 23528522 - 2 * 64 * 7 * 7 - 8 * 2049 }
            @{ Architecture = 'MobileNetV2'; Parameters = 2236682 - 2 * 32 * 3 * 3 - 8 * 1281 }
        ) {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 32 -ImageHeight 32 -ImageChannels 1 `
                -Architecture $Architecture

            $classifier.Architecture | Should -Be $Architecture
            $classifier.ParameterCount | Should -Be $Parameters
        }

        It 'creates an untrained classifier without history' {
            $classifier = New-DlClassifier -DataSet $Mixed

            $classifier.IsTrained | Should -BeFalse
            $classifier.BestEpoch | Should -BeNullOrEmpty
            $classifier.History | Should -HaveCount 0
        }

        It 'starts from the default hyperparameters' {
            $parameters = New-DlClassifier -DataSet $Mixed | Get-DlClassifierParam

            $parameters.BatchSize | Should -Be 64
            $parameters.LearningRate | Should -Be 0.02
            $parameters.Momentum | Should -Be 0.9
            $parameters.WeightPrior | Should -Be 5e-4
            $parameters.Epochs | Should -Be 30
            $parameters.Solver | Should -Be 'Sgd'
            $parameters.Schedule | Should -Be 'Cosine'
            $parameters.Augmentation | Should -Be 'FlipHorizontal, Shift'
            $parameters.ShiftFraction | Should -Be 0.05
            $parameters.EvaluationInterval | Should -Be 1
            $parameters.EarlyStoppingPatience | Should -Be 0
            $parameters.Device | Should -Be 'auto'
            $parameters.Seed | Should -Be 42
            $parameters.Threads | Should -Be 0
        }
    }

    Context 'pipeline' {
        It 'takes the data set from the pipeline and writes one classifier' {
            $result = @($Mixed | New-DlClassifier)

            $result | Should -HaveCount 1
            $result[0] | Should -BeOfType ([DlClassifier.Engine.DlClassifier])
        }
    }

    Context 'errors' {
        It 'requires -<Name> with -ClassName' -TestCases @(
            @{ Name = 'ImageWidth' }
            @{ Name = 'ImageHeight' }
            @{ Name = 'ImageChannels' }
        ) {
            $parameter = (Get-Command -Name New-DlClassifier).Parameters[$Name]

            $parameter.ParameterSets['ClassName'].IsMandatory | Should -BeTrue
            $parameter.ParameterSets['DataSet'].IsMandatory | Should -BeFalse
        }

        It 'fails without the sizes when no host can prompt for them' {
            # A pipeline of its own has no host to prompt, so missing mandatory parameters fail at once.
            $pipeline = [powershell]::Create()
            try {
                $null = $pipeline.AddCommand((Get-Command -Name New-DlClassifier)).
                    AddParameter('ClassName', @('a', 'b'))
                $thrown = $null
                try {
                    $null = $pipeline.Invoke()
                }
                catch {
                    $thrown = $_.Exception.InnerException
                }
            }
            finally {
                $pipeline.Dispose()
            }

            $thrown | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
            $thrown.ErrorId | Should -Be 'MissingMandatoryParameter'
        }

        It 'throws ParameterInvalid for class names <Names>' -TestCases @(
            @{ Names = @('only') }
            @{ Names = @('same', 'other', 'same') }
        ) {
            { New-DlClassifier -ClassName $Names -ImageWidth 16 -ImageHeight 16 -ImageChannels 1 } |
                Should -Throw -ErrorId "ParameterInvalid,$NewCommand"
        }

        It 'shows the plain sentence for a class name given twice, without .NET parameter text' {
            $thrown = { New-DlClassifier -ClassName 'same', 'same' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1 } |
                Should -Throw -ErrorId "ParameterInvalid,$NewCommand" -PassThru

            "$thrown" | Should -BeExactly "The class name 'same' is given more than once."
        }

        It 'names -ImageWidth, -ImageHeight and the files when the chosen size is too small for the network' {
            $root = "$TestDrive/tiny"
            $tiny = @(
                New-DlTestPng -Path "$root/bolt/a.png" -Width 4 -Height 4
                New-DlTestPng -Path "$root/bolt/b.png" -Width 4 -Height 4
                New-DlTestPng -Path "$root/nut/c.png" -Width 4 -Height 4
            )
            $null = New-DlTestPng -Path "$root/nut/d.png" -Width 16 -Height 16
            $dataSet = Import-DlDataSet -Path $root

            $thrown = { New-DlClassifier -DataSet $dataSet } |
                Should -Throw -ErrorId "ParameterInvalid,$NewCommand" -PassThru

            $thrown.CategoryInfo.Category | Should -Be 'InvalidData'
            $thrown.TargetObject | Should -Be $tiny
            $thrown.Exception.Message | Should -Be ('The input size is 4×4, the most common size (3 of 4 images). ' +
                'CompactCnn needs images of at least 8×8 pixels, not 4×4. Give the size with -ImageWidth and ' +
                '-ImageHeight (images are resized when read), or remove the small images: ' +
                "'$($tiny[0])', '$($tiny[1])', '$($tiny[2])'.")
            (New-DlClassifier -DataSet $dataSet -ImageWidth 16 -ImageHeight 16).ImageWidth | Should -Be 16
        }

        It 'throws ParameterInvalid for a data set with one class' {
            $root = "$TestDrive/single"
            $null = New-DlTestPng -Path "$root/only/o.png" -Width 8 -Height 8

            { Import-DlDataSet -Path $root | New-DlClassifier } | Should -Throw -ErrorId "ParameterInvalid,$NewCommand"
        }

        It 'throws ParameterInvalid for images smaller than the network accepts' {
            $root = "$TestDrive/tiny"
            $null = New-DlTestPng -Path "$root/a/a.png" -Width 4 -Height 4
            $null = New-DlTestPng -Path "$root/b/b.png" -Width 4 -Height 4

            { Import-DlDataSet -Path $root | New-DlClassifier } | Should -Throw -ErrorId "ParameterInvalid,$NewCommand"
        }

        It 'rejects -<Name> <Value> by parameter validation' -TestCases @(
            @{ Name = 'ImageWidth'; Value = 7 }
            @{ Name = 'ImageHeight'; Value = 4097 }
            @{ Name = 'ImageChannels'; Value = 2 }
        ) {
            $arguments = @{ ClassName = @('a', 'b'); ImageWidth = 16; ImageHeight = 16; ImageChannels = 1 }
            $arguments[$Name] = $Value

            { New-DlClassifier @arguments } | Should -Throw -ErrorId "ParameterArgumentValidationError,$NewCommand"
        }
    }
}

Describe 'Set-DlClassifierParam' {
    BeforeAll {
        $Classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
    }

    Context 'parameters' {
        It 'sets <Name> to <Value> as Get-DlClassifierParam reads it back' -TestCases @(
            @{ Name = 'BatchSize'; Value = 4 }
            @{ Name = 'LearningRate'; Value = 0.001 }
            @{ Name = 'Momentum'; Value = 0.5 }
            @{ Name = 'WeightPrior'; Value = 0.01 }
            @{ Name = 'Epochs'; Value = 3 }
            @{ Name = 'Solver'; Value = 'Adam' }
            @{ Name = 'Schedule'; Value = 'Step' }
            @{ Name = 'StepEpochs'; Value = @(2, 5) }
            @{ Name = 'StepFactor'; Value = 0.5 }
            @{ Name = 'Augmentation'; Value = 'FlipVertical, Shift' }
            @{ Name = 'ShiftFraction'; Value = 0.2 }
            @{ Name = 'EvaluationInterval'; Value = 2 }
            @{ Name = 'EarlyStoppingPatience'; Value = 3 }
            @{ Name = 'Device'; Value = 'cpu' }
            @{ Name = 'Seed'; Value = -7 }
            @{ Name = 'Threads'; Value = 1 }
        ) {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
            $arguments = @{ Classifier = $classifier; $Name = $Value }

            Set-DlClassifierParam @arguments

            $actual = (Get-DlClassifierParam -Classifier $classifier).$Name
            if ($Value -is [array]) {
                $actual | Should -Be $Value
            }
            else {
                "$actual" | Should -Be "$Value"
            }
        }

        It 'keeps the values it is not given' {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            Set-DlClassifierParam -Classifier $classifier -BatchSize 8 -Epochs 5
            Set-DlClassifierParam -Classifier $classifier -LearningRate 0.03

            $parameters = Get-DlClassifierParam -Classifier $classifier
            $parameters.BatchSize | Should -Be 8
            $parameters.Epochs | Should -Be 5
            $parameters.LearningRate | Should -Be 0.03
            $parameters.Momentum | Should -Be 0.9
        }

        It 'stores the device <Given> as <Stored>' -TestCases @(
            @{ Given = 'CPU'; Stored = 'cpu' }
            @{ Given = ' Auto '; Stored = 'auto' }
        ) {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            Set-DlClassifierParam -Classifier $classifier -Device $Given

            (Get-DlClassifierParam -Classifier $classifier).Device | Should -BeExactly $Stored
        }
    }

    Context 'pipeline' {
        It 'takes the classifier from the pipeline' {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            $classifier | Set-DlClassifierParam -Epochs 9

            ($classifier | Get-DlClassifierParam).Epochs | Should -Be 9
        }

        It 'writes nothing without -PassThru' {
            $Classifier | Set-DlClassifierParam -Seed 1 | Should -BeNullOrEmpty
        }

        It 'writes the same classifier object with -PassThru' {
            $result = @($Classifier | Set-DlClassifierParam -Seed 2 -PassThru)

            $result | Should -HaveCount 1
            [object]::ReferenceEquals($result[0], $Classifier) | Should -BeTrue
        }
    }

    Context 'errors' {
        It 'rejects -<Name> <Value> by parameter validation' -TestCases @(
            @{ Name = 'BatchSize'; Value = 0 }
            @{ Name = 'LearningRate'; Value = 0 }
            @{ Name = 'LearningRate'; Value = -0.1 }
            @{ Name = 'Momentum'; Value = 1 }
            @{ Name = 'WeightPrior'; Value = -0.001 }
            @{ Name = 'Epochs'; Value = 0 }
            @{ Name = 'StepEpochs'; Value = @(3, 0) }
            @{ Name = 'StepFactor'; Value = 0 }
            @{ Name = 'ShiftFraction'; Value = 0.6 }
            @{ Name = 'EvaluationInterval'; Value = 0 }
            @{ Name = 'EarlyStoppingPatience'; Value = -1 }
            @{ Name = 'Threads'; Value = -1 }
            @{ Name = 'Device'; Value = '' }
        ) {
            $arguments = @{ Classifier = $Classifier; $Name = $Value }

            { Set-DlClassifierParam @arguments } | Should -Throw -ErrorId "ParameterArgumentValidationError,$SetCommand"
        }

        It 'rejects an unknown solver by parameter binding' {
            { Set-DlClassifierParam -Classifier $Classifier -Solver 'Newton' } |
                Should -Throw -ErrorId "CannotConvertArgumentNoMessage,$SetCommand"
        }

        It 'throws ParameterInvalid for the device <Device>' -TestCases @(
            @{ Device = 'gpu' }
            @{ Device = 'cuda:x' }
            @{ Device = 'cuda:-1' }
        ) {
            { Set-DlClassifierParam -Classifier $Classifier -Device $Device } |
                Should -Throw -ErrorId "ParameterInvalid,$SetCommand"
        }

        It 'sets the class weighting, also under its alias -ClassWeights' {
            $classifier = New-DlClassifier -ClassName 'bolt', 'nut' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            Set-DlClassifierParam -Classifier $classifier -ClassWeighting InverseFrequency
            $first = $classifier.Parameters.ClassWeighting
            Set-DlClassifierParam -Classifier $classifier -ClassWeights None

            $first | Should -Be 'InverseFrequency'
            $classifier.Parameters.ClassWeighting | Should -Be 'None'
        }

        It 'sets a loss factor per class name, matching names without regard to case' {
            $classifier = New-DlClassifier -ClassName 'bolt', 'nut' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            Set-DlClassifierParam -Classifier $classifier -ClassWeight @{ BOLT = 2.0; nut = 1 }

            $classifier.Parameters.ClassWeight['bolt'] | Should -Be 2.0
            $classifier.Parameters.ClassWeight['nut'] | Should -Be 1.0
        }

        It 'throws ParameterInvalid naming a class weight of an unknown class' {
            $classifier = New-DlClassifier -ClassName 'bolt', 'nut' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            $thrown = { Set-DlClassifierParam -Classifier $classifier -ClassWeight @{ screw = 2.0 } } |
                Should -Throw -ErrorId "ParameterInvalid,$SetCommand" -PassThru

            $thrown.TargetObject | Should -Be 'screw'
            $thrown.Exception.Message | Should -BeLike "*'screw'*"
            $classifier.Parameters.ClassWeight.Count | Should -Be 0
        }

        It 'throws ParameterInvalid for the class weight <Value>' -TestCases @(
            @{ Value = 0 }
            @{ Value = -1 }
            @{ Value = 'heavy' }
        ) {
            $classifier = New-DlClassifier -ClassName 'bolt', 'nut' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            { Set-DlClassifierParam -Classifier $classifier -ClassWeight @{ bolt = $Value } } |
                Should -Throw -ErrorId "ParameterInvalid,$SetCommand"
        }

        It 'shows the plain sentence for a class weight that is not a number' {
            $classifier = New-DlClassifier -ClassName 'bolt', 'nut' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            $thrown = { Set-DlClassifierParam -Classifier $classifier -ClassWeight @{ bolt = 'zz' } } |
                Should -Throw -ErrorId "ParameterInvalid,$SetCommand" -PassThru

            "$thrown" | Should -BeExactly "ClassWeight for 'bolt' must be a number above 0; 'zz' was given."
            $thrown.Exception | Should -BeOfType ([System.ArgumentOutOfRangeException])
        }

        It 'changes nothing when a value is rejected' {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            { Set-DlClassifierParam -Classifier $classifier -Epochs 3 -Device 'gpu' } | Should -Throw

            (Get-DlClassifierParam -Classifier $classifier).Epochs | Should -Be 30
            (Get-DlClassifierParam -Classifier $classifier).Device | Should -Be 'auto'
        }
    }

    Context 'a CUDA device on a machine without CUDA' -Skip:$HasCuda {
        It 'warns that it falls back to the CPU for <Device>' -TestCases @(
            @{ Device = 'cuda' }
            @{ Device = 'cuda:1' }
        ) {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1

            Set-DlClassifierParam -Classifier $classifier -Device $Device -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike "*'$Device'*CPU*"
            (Get-DlClassifierParam -Classifier $classifier).Device | Should -Be $Device
        }

        It 'leaves the classifier usable for prediction' {
            $classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
            Set-DlClassifierParam -Classifier $classifier -Device cuda -WarningAction SilentlyContinue
            $image = New-DlTestPng -Path "$TestDrive/cuda/probe.png" -Width 16 -Height 16

            $prediction = Invoke-DlClassifier -Classifier $classifier -Path $image -WarningAction SilentlyContinue

            $prediction.Path | Should -Be $image
            $prediction.ClassName | Should -BeIn @('a', 'b')
        }
    }
}

Describe 'Get-DlClassifierParam' {
    BeforeAll {
        $Classifier = New-DlClassifier -ClassName 'a', 'b' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
    }

    Context 'parameters' {
        It 'returns a copy that does not change the classifier' {
            $copy = Get-DlClassifierParam -Classifier $Classifier
            $copy.BatchSize = 3
            $copy.StepEpochs = @(9)

            (Get-DlClassifierParam -Classifier $Classifier).BatchSize | Should -Be 64
            (Get-DlClassifierParam -Classifier $Classifier).StepEpochs | Should -HaveCount 0
        }
    }

    Context 'pipeline' {
        It 'writes one parameter object per piped classifier' {
            $second = New-DlClassifier -ClassName 'c', 'd' -ImageWidth 16 -ImageHeight 16 -ImageChannels 1
            Set-DlClassifierParam -Classifier $second -Epochs 4

            $result = @($Classifier, $second | Get-DlClassifierParam)

            $result | Should -HaveCount 2
            $result.Epochs | Should -Be @(30, 4)
        }
    }
}

Describe 'Get-DlDevice' {
    Context 'parameters' {
        It 'lists the CPU first' {
            $devices = @(Get-DlDevice)

            $devices[0].Name | Should -Be 'cpu'
            $devices[0].Kind | Should -Be 'Cpu'
            $devices[0].Threads | Should -BeGreaterThan 0
        }

        It 'names every CUDA device cuda:N in order' {
            $cuda = @(Get-DlDevice | Where-Object Kind -EQ 'Cuda')

            for ($i = 0; $i -lt $cuda.Count; $i++) {
                $cuda[$i].Name | Should -Be "cuda:$i"
            }
        }

        It 'gives the CPU thread count libtorch uses and no memory for the CPU' {
            $cpu = Get-DlDevice | Select-Object -First 1

            $cpu.Threads | Should -BeLessOrEqual 1024
            $cpu.MemoryBytes | Should -BeNullOrEmpty
            $cpu.Description | Should -BeLike '*logical processors'
        }
    }
}
