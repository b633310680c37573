Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $ImportCommand = 'DlClassifier.PowerShell.Commands.ImportDlDataSetCommand'
    $SplitCommand = 'DlClassifier.PowerShell.Commands.SplitDlDataSetCommand'

    function Get-SplitByPath {
        # Maps each sample's path to its subset, to compare two splits sample by sample.
        param([Parameter(Mandatory)] $DataSet)

        $map = @{}
        foreach ($sample in $DataSet.Samples) {
            $map[$sample.Path] = [string]$sample.Split
        }
        $map
    }
}

Describe 'Import-DlDataSet' {
    BeforeAll {
        # Class names chosen so that ordinal order (digits, upper case, underscore, lower case) differs from
        # the culture-aware order a sort would give.
        $ClassSizes = [ordered]@{ 'apple' = 2; 'Zebra' = 3; '10' = 1; '9' = 2; '_x' = 1 }
        $OrdinalRoot = New-DlTestDataSet -Path "$TestDrive/ordinal" -ClassCount $ClassSizes -Size 8
    }

    Context 'parameters' {
        It 'lists the class folders as classes in ordinal order' {
            $dataSet = Import-DlDataSet -Path $OrdinalRoot

            $dataSet.ClassNames | Should -Be @('10', '9', 'Zebra', '_x', 'apple')
        }

        It 'imports every image of <ClassName>' -TestCases @(
            @{ ClassName = '10'; Count = 1 }
            @{ ClassName = '9'; Count = 2 }
            @{ ClassName = 'Zebra'; Count = 3 }
            @{ ClassName = '_x'; Count = 1 }
            @{ ClassName = 'apple'; Count = 2 }
        ) {
            $dataSet = Import-DlDataSet -Path $OrdinalRoot

            @($dataSet.Samples | Where-Object ClassName -CEQ $ClassName) | Should -HaveCount $Count
            $dataSet.CountPerClass()[[array]::IndexOf($dataSet.ClassNames, $ClassName)] | Should -Be $Count
        }

        It 'counts nine images in all' {
            $dataSet = Import-DlDataSet -Path $OrdinalRoot

            $dataSet.Count | Should -Be 9
            $dataSet.ClassCount | Should -Be 5
        }

        It 'gives each sample the class index of its folder name' {
            $dataSet = Import-DlDataSet -Path $OrdinalRoot

            foreach ($sample in $dataSet.Samples) {
                $folderName = Split-Path -Path (Split-Path -Path $sample.Path -Parent) -Leaf
                $sample.ClassName | Should -BeExactly $folderName
                $dataSet.ClassNames[$sample.ClassIndex] | Should -BeExactly $sample.ClassName
            }
        }

        It 'leaves every sample unsplit' {
            $dataSet = Import-DlDataSet -Path $OrdinalRoot

            $dataSet.IsSplit | Should -BeFalse
            @($dataSet.Samples | Where-Object Split -NE 'None') | Should -HaveCount 0
        }

        It 'reads width, height and channels from the image file' {
            $root = "$TestDrive/shapes"
            $null = New-DlTestPng -Path "$root/colour/wide.png" -Width 12 -Height 9 -Channels 3
            $null = New-DlTestPng -Path "$root/grey/tall.png" -Width 8 -Height 10

            $dataSet = Import-DlDataSet -Path $root

            $colour = $dataSet.Samples | Where-Object ClassName -EQ 'colour'
            $colour.Width, $colour.Height, $colour.Channels | Should -Be @(12, 9, 3)
            $grey = $dataSet.Samples | Where-Object ClassName -EQ 'grey'
            $grey.Width, $grey.Height, $grey.Channels | Should -Be @(8, 10, 1)
        }

        It 'finds images in folders below a class folder' {
            $root = "$TestDrive/nested"
            $null = New-DlTestPng -Path "$root/cat/a.png" -Width 8 -Height 8
            $null = New-DlTestPng -Path "$root/cat/indoor/b.png" -Width 8 -Height 8
            $null = New-DlTestPng -Path "$root/cat/indoor/sofa/c.png" -Width 8 -Height 8
            $null = New-DlTestPng -Path "$root/dog/d.png" -Width 8 -Height 8

            $dataSet = Import-DlDataSet -Path $root

            $dataSet.ClassNames | Should -Be @('cat', 'dog')
            $dataSet.CountPerClass() | Should -Be @(3, 1)
        }

        It 'merges classes of the same name from several roots' {
            $first = New-DlTestDataSet -Path "$TestDrive/merge1" -ClassCount ([ordered]@{ a = 2; b = 1 }) -Size 8
            $second = New-DlTestDataSet -Path "$TestDrive/merge2" -ClassCount ([ordered]@{ b = 3; c = 1 }) -Size 8

            $dataSet = Import-DlDataSet -Path $first, $second

            $dataSet.ClassNames | Should -Be @('a', 'b', 'c')
            $dataSet.CountPerClass() | Should -Be @(2, 4, 1)
            $dataSet.Roots | Should -Be @($first, $second)
        }
    }

    Context 'pipeline' {
        It 'writes the data set as one object' {
            (Import-DlDataSet -Path $OrdinalRoot | Measure-Object).Count | Should -Be 1
        }

        It 'takes root paths from the pipeline and imports them together' {
            $first = New-DlTestDataSet -Path "$TestDrive/piped1" -ClassCount ([ordered]@{ a = 2; b = 1 }) -Size 8
            $second = New-DlTestDataSet -Path "$TestDrive/piped2" -ClassCount ([ordered]@{ a = 1; b = 1 }) -Size 8

            $result = @($first, $second | Import-DlDataSet)

            $result | Should -HaveCount 1
            $result[0].CountPerClass() | Should -Be @(3, 2)
        }

        It 'takes folders from Get-Item by their path' {
            $dataSet = Get-Item -LiteralPath $OrdinalRoot | Import-DlDataSet

            $dataSet.Count | Should -Be 9
        }
    }

    Context 'progress' {
        It 'completes its progress record' {
            $run = Invoke-DlCommandInOwnPipeline -Name Import-DlDataSet -Parameter @{ Path = $OrdinalRoot }

            $run.Output | Should -HaveCount 1
            $run.Progress | Should -Not -BeNullOrEmpty
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }

    Context 'paths' {
        BeforeAll {
            $null = New-DlTestDataSet -Path "$TestDrive/located/data" -ClassCount ([ordered]@{ a = 2; b = 1 }) -Size 8
        }

        It 'resolves a relative path against the current location, not the process folder' {
            [System.Environment]::CurrentDirectory | Should -Not -Be "$TestDrive/located"
            Push-Location -LiteralPath "$TestDrive/located"
            try {
                $dataSet = Import-DlDataSet -Path ./data
            }
            finally {
                Pop-Location
            }

            $dataSet.Count | Should -Be 3
            $dataSet.Roots | Should -Be @(Join-Path $TestDrive 'located/data')
            $dataSet.Samples[0].Path | Should -BeLike (Join-Path $TestDrive 'located/data/a/*')
        }

        It 'resolves a path on the TestDrive: drive to the file system' {
            $dataSet = Import-DlDataSet -Path 'TestDrive:/located/data'

            $dataSet.Roots | Should -Be @(Join-Path $TestDrive 'located/data')
        }

        It 'expands a wildcard to the matching folder' {
            $dataSet = Import-DlDataSet -Path "$TestDrive/locat*/dat?"

            $dataSet.Count | Should -Be 3
            $dataSet.Roots | Should -Be @(Join-Path $TestDrive 'located/data')
        }

        It 'expands a wildcard that matches two folders into one data set' {
            $null = New-DlTestDataSet -Path "$TestDrive/many/set1" -ClassCount ([ordered]@{ a = 1; b = 1 }) -Size 8
            $null = New-DlTestDataSet -Path "$TestDrive/many/set2" -ClassCount ([ordered]@{ a = 2; b = 1 }) -Size 8

            $dataSet = Import-DlDataSet -Path "$TestDrive/many/set*"

            $dataSet.CountPerClass() | Should -Be @(3, 2)
        }

        It 'imports each image once when the same root is given twice' {
            $root = Join-Path $TestDrive 'located/data'

            $dataSet = Import-DlDataSet -Path $root, $root

            $dataSet.Count | Should -Be 3
            @($dataSet.Samples.Path | Sort-Object -Unique) | Should -HaveCount 3
            $dataSet.Roots | Should -Be @($root)
        }

        It 'imports each image once when a path and a wildcard name the same root' {
            $dataSet = Import-DlDataSet -Path "$TestDrive/located/data", "$TestDrive/located/d*"

            $dataSet.Count | Should -Be 3
        }

        It 'imports each image once when the same root is given with and without a trailing separator' {
            $root = Join-Path $TestDrive 'located/data'

            $dataSet = Import-DlDataSet -Path $root, ($root + [System.IO.Path]::DirectorySeparatorChar)

            $dataSet.Count | Should -Be 3
        }

        It 'takes a folder name with brackets literally with -LiteralPath' {
            $root = Join-Path $TestDrive 'set [1]'
            $null = New-DlTestPng -Path (Join-Path $root 'class [a]/one.png') -Width 8 -Height 8
            $null = New-DlTestPng -Path (Join-Path $root 'class [b]/two.png') -Width 8 -Height 8

            $dataSet = Import-DlDataSet -LiteralPath $root

            $dataSet.ClassNames | Should -Be @('class [a]', 'class [b]')
            $dataSet.Roots | Should -Be @($root)
        }
    }

    Context 'errors' {
        It 'reports a missing path as PathNotFound with the resolved full path' {
            $missing = Join-Path $TestDrive 'missing'

            $output = Import-DlDataSet -Path $missing -ErrorVariable problems -ErrorAction SilentlyContinue

            $output | Should -BeNullOrEmpty
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$ImportCommand"
            $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $problems[0].TargetObject | Should -Be $missing
        }

        It 'reports a missing relative path resolved against the current location' {
            Push-Location -LiteralPath $TestDrive
            try {
                $null = Import-DlDataSet -Path ./nowhere -ErrorVariable problems -ErrorAction SilentlyContinue
            }
            finally {
                Pop-Location
            }

            $problems | Should -HaveCount 1
            $problems[0].TargetObject | Should -Be (Join-Path $TestDrive 'nowhere')
        }

        It 'throws PathNotFound for a missing path with -ErrorAction Stop' {
            { Import-DlDataSet -Path (Join-Path $TestDrive 'missing') -ErrorAction Stop } |
                Should -Throw -ErrorId "PathNotFound,$ImportCommand"
        }

        It 'reports a missing -LiteralPath as PathNotFound' {
            { Import-DlDataSet -LiteralPath (Join-Path $TestDrive 'missing [1]') -ErrorAction Stop } |
                Should -Throw -ErrorId "PathNotFound,$ImportCommand"
        }

        It 'reports a file given as root as DataSetInvalid' {
            $file = New-DlTestPng -Path "$TestDrive/lonely.png" -Width 8 -Height 8

            { Import-DlDataSet -Path $file -ErrorAction Stop } | Should -Throw -ErrorId "DataSetInvalid,$ImportCommand"
        }

        It 'throws DataSetInvalid for a root without class folders' {
            $root = "$TestDrive/flat"
            $null = New-DlTestPng -Path "$root/loose.png" -Width 8 -Height 8

            { Import-DlDataSet -Path $root } | Should -Throw -ErrorId "DataSetInvalid,$ImportCommand"
        }

        Context 'an unreadable image' {
            BeforeAll {
                $BrokenRoot = New-DlTestDataSet -Path "$TestDrive/broken" -ClassCount ([ordered]@{ a = 3; b = 2 }) `
                    -Size 8
                $BrokenFile = Join-Path $BrokenRoot 'b/x.png'
                Set-Content -LiteralPath $BrokenFile -Value 'this is text, not a picture'
            }

            It 'writes one ImageUnreadable error naming the file and imports the other images' {
                $dataSet = Import-DlDataSet -Path $BrokenRoot -ErrorVariable problems -ErrorAction SilentlyContinue

                $problems | Should -HaveCount 1
                $problems[0].FullyQualifiedErrorId | Should -Be "ImageUnreadable,$ImportCommand"
                $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
                $problems[0].TargetObject | Should -Be $BrokenFile
                $dataSet.Count | Should -Be 5
                $dataSet.CountPerClass() | Should -Be @(3, 2)
                $dataSet.Samples.Path | Should -Not -Contain $BrokenFile
            }

            It 'stops at the unreadable image with -ErrorAction Stop' {
                { Import-DlDataSet -Path $BrokenRoot -ErrorAction Stop } |
                    Should -Throw -ErrorId "ImageUnreadable,$ImportCommand"
            }
        }

        Context 'an empty class folder' {
            BeforeAll {
                $EmptyRoot = New-DlTestDataSet -Path "$TestDrive/gap" -ClassCount ([ordered]@{ a = 2; c = 1 }) -Size 8
                $null = New-Item -Path (Join-Path $EmptyRoot 'b') -ItemType Directory
            }

            It 'throws DataSetInvalid naming the root' {
                $thrown = { Import-DlDataSet -Path $EmptyRoot } |
                    Should -Throw -ErrorId "DataSetInvalid,$ImportCommand" -PassThru

                $thrown.TargetObject | Should -Be $EmptyRoot
                $thrown.Exception.Message | Should -BeLike "*'b'*"
            }

            It 'leaves the class out with -SkipEmptyClass' {
                $dataSet = Import-DlDataSet -Path $EmptyRoot -SkipEmptyClass -WarningAction SilentlyContinue

                $dataSet.ClassNames | Should -Be @('a', 'c')
                $dataSet.CountPerClass() | Should -Be @(2, 1)
            }

            It 'warns about the left-out class with -SkipEmptyClass' {
                $null = Import-DlDataSet -Path $EmptyRoot -SkipEmptyClass -WarningVariable warnings `
                    -WarningAction SilentlyContinue

                $warnings | Should -HaveCount 1
                "$($warnings[0])" | Should -BeLike "*'b'*"
            }
        }
    }

    Context 'clutter' {
        BeforeAll {
            $ClutterRoot = New-DlTestDataSet -Path "$TestDrive/clutter" -ClassCount ([ordered]@{ a = 2; b = 2 }) -Size 8
            $junk = [byte[]](0, 5, 22, 7, 0, 0, 1, 0)
            [System.IO.File]::WriteAllBytes((Join-Path $ClutterRoot 'a/.DS_Store'), $junk)
            [System.IO.File]::WriteAllBytes((Join-Path $ClutterRoot 'a/Thumbs.db'), $junk)
            [System.IO.File]::WriteAllBytes((Join-Path $ClutterRoot 'a/desktop.ini'), $junk)
            [System.IO.File]::WriteAllBytes((Join-Path $ClutterRoot 'b/._a_000.png'), $junk)
            [System.IO.File]::WriteAllBytes((Join-Path $ClutterRoot '.DS_Store'), $junk)
            Set-Content -LiteralPath (Join-Path $ClutterRoot 'b/notes.txt') -Value 'taken on Tuesday'
            $null = New-DlTestPng -Path (Join-Path $ClutterRoot 'b/.thumbnails/small.png') -Width 8 -Height 8
            $null = New-DlTestPng -Path (Join-Path $ClutterRoot '.folder/hidden.png') -Width 8 -Height 8
        }

        It 'imports only the images, without errors' {
            $dataSet = Import-DlDataSet -Path $ClutterRoot -ErrorVariable problems

            $problems | Should -HaveCount 0
            $dataSet.Count | Should -Be 4
            $dataSet.CountPerClass() | Should -Be @(2, 2)
        }

        It 'makes no class of a dot folder' {
            $dataSet = Import-DlDataSet -Path $ClutterRoot

            $dataSet.ClassNames | Should -Be @('a', 'b')
        }

        It 'takes no file from a hidden folder or of a metadata name' {
            $dataSet = Import-DlDataSet -Path $ClutterRoot

            $names = $dataSet.Samples | ForEach-Object { Split-Path -Path $_.Path -Leaf }
            $names | Should -Be @('a_000.png', 'a_001.png', 'b_000.png', 'b_001.png')
        }

        It 'tells in verbose output which files it passed over' {
            $verbose = Import-DlDataSet -Path $ClutterRoot -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

            $notes = Join-Path $ClutterRoot 'b/notes.txt'
            $verbose | Should -Contain "Skipped '$notes': not an image file name ending."
        }
    }
}

Describe 'Split-DlDataSet' {
    BeforeAll {
        # One class per size, so that each size's rounding can be checked in one data set.
        $SizesRoot = New-DlTestDataSet -Path "$TestDrive/sizes" -Size 8 -ClassCount ([ordered]@{
                n01 = 1; n02 = 2; n03 = 3; n04 = 4; n05 = 5; n06 = 6; n07 = 7; n10 = 10
            })
        $Sizes = Import-DlDataSet -Path $SizesRoot
        $PairRoot = New-DlTestDataSet -Path "$TestDrive/pair" -ClassCount ([ordered]@{ ten = 10; seven = 7 }) -Size 8
        $Pair = Import-DlDataSet -Path $PairRoot
    }

    Context 'parameters' {
        It 'splits <Class> at <TrainingPercent>/<ValidationPercent> into <Training>/<Validation>/<Test>' -TestCases @(
            @{ Class = 'n10'; TrainingPercent = 70; ValidationPercent = 15; Training = 7; Validation = 2; Test = 1 }
            @{ Class = 'n07'; TrainingPercent = 70; ValidationPercent = 15; Training = 5; Validation = 1; Test = 1 }
            @{ Class = 'n05'; TrainingPercent = 70; ValidationPercent = 15; Training = 4; Validation = 1; Test = 0 }
            @{ Class = 'n04'; TrainingPercent = 60; ValidationPercent = 20; Training = 2; Validation = 1; Test = 1 }
            # Two images cannot fill the three subsets a 25/25/50 split asks for, so both go to training.
            @{ Class = 'n02'; TrainingPercent = 25; ValidationPercent = 25; Training = 2; Validation = 0; Test = 0 }
            @{ Class = 'n03'; TrainingPercent = 50; ValidationPercent = 50; Training = 2; Validation = 1; Test = 0 }
            @{ Class = 'n01'; TrainingPercent = 70; ValidationPercent = 15; Training = 1; Validation = 0; Test = 0 }
            @{ Class = 'n06'; TrainingPercent = 50; ValidationPercent = 0; Training = 3; Validation = 0; Test = 3 }
            @{ Class = 'n10'; TrainingPercent = 100; ValidationPercent = 0; Training = 10; Validation = 0; Test = 0 }
            @{ Class = 'n10'; TrainingPercent = 1; ValidationPercent = 99; Training = 0; Validation = 10; Test = 0 }
            @{ Class = 'n07'; TrainingPercent = 50; ValidationPercent = 50; Training = 4; Validation = 3; Test = 0 }
        ) {
            $split = Split-DlDataSet -DataSet $Sizes -TrainingPercent $TrainingPercent `
                -ValidationPercent $ValidationPercent -WarningAction SilentlyContinue

            $ofClass = @($split.Samples | Where-Object ClassName -EQ $Class)
            @($ofClass | Where-Object Split -EQ 'Training') | Should -HaveCount $Training
            @($ofClass | Where-Object Split -EQ 'Validation') | Should -HaveCount $Validation
            @($ofClass | Where-Object Split -EQ 'Test') | Should -HaveCount $Test
        }

        It 'splits 10 and 7 images at the defaults into 12 training, 3 validation and 2 test images' {
            $split = Split-DlDataSet -DataSet $Pair

            $split.TrainingCount | Should -Be 12
            $split.ValidationCount | Should -Be 3
            $split.TestCount | Should -Be 2
            $split.CountPerClass('Training') | Should -Be @(5, 7)
            $split.CountPerClass('Validation') | Should -Be @(1, 2)
            $split.CountPerClass('Test') | Should -Be @(1, 1)
        }

        It 'puts every sample in exactly one subset' {
            $split = Split-DlDataSet -DataSet $Pair

            $split.IsSplit | Should -BeTrue
            $split.TrainingCount + $split.ValidationCount + $split.TestCount | Should -Be $Pair.Count
            @($split.Samples.Path | Sort-Object) | Should -Be @($Pair.Samples.Path | Sort-Object)
            @($split.Samples.Path | Sort-Object -Unique) | Should -HaveCount $Pair.Count
        }

        It 'keeps class names, class indexes and roots' {
            $split = Split-DlDataSet -DataSet $Pair

            $split.ClassNames | Should -Be $Pair.ClassNames
            $split.Roots | Should -Be $Pair.Roots
            foreach ($sample in $split.Samples) {
                $split.ClassNames[$sample.ClassIndex] | Should -BeExactly $sample.ClassName
            }
        }

        It 'gives every sample the same subset for the same seed' {
            $first = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $Pair -Seed 7)
            $second = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $Pair -Seed 7)

            foreach ($path in $first.Keys) {
                $second[$path] | Should -Be $first[$path] -Because $path
            }
        }

        It 'uses 42 as the default seed' {
            $default = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $Pair)
            $explicit = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $Pair -Seed 42)

            foreach ($path in $default.Keys) {
                $explicit[$path] | Should -Be $default[$path] -Because $path
            }
        }

        It 'gives another split for another seed, with the same counts' {
            $first = Split-DlDataSet -DataSet $Pair -Seed 1
            $second = Split-DlDataSet -DataSet $Pair -Seed 2
            $firstMap = Get-SplitByPath -DataSet $first
            $secondMap = Get-SplitByPath -DataSet $second

            @($firstMap.Keys | Where-Object { $firstMap[$_] -ne $secondMap[$_] }) | Should -Not -BeNullOrEmpty
            $second.CountPerClass('Training') | Should -Be $first.CountPerClass('Training')
            $second.CountPerClass('Validation') | Should -Be $first.CountPerClass('Validation')
        }

        It 'leaves the input data set unchanged' {
            $null = Split-DlDataSet -DataSet $Pair -Seed 3

            $Pair.IsSplit | Should -BeFalse
            @($Pair.Samples | Where-Object Split -NE 'None') | Should -HaveCount 0
        }

        It 'splits a split data set again by the new seed' {
            $once = Split-DlDataSet -DataSet $Pair -Seed 5
            $again = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $once -Seed 6)
            $direct = Get-SplitByPath -DataSet (Split-DlDataSet -DataSet $Pair -Seed 6)

            foreach ($path in $direct.Keys) {
                $again[$path] | Should -Be $direct[$path] -Because $path
            }
        }
    }

    Context 'pipeline' {
        It 'takes the data set from the pipeline and writes one data set' {
            $result = @($Pair | Split-DlDataSet)

            $result | Should -HaveCount 1
            $result[0].IsSplit | Should -BeTrue
        }

        It 'chains with Import-DlDataSet' {
            $split = Import-DlDataSet -Path $PairRoot | Split-DlDataSet -TrainingPercent 50 -ValidationPercent 50

            $split.TrainingCount | Should -Be 9
            $split.ValidationCount | Should -Be 8
            $split.TestCount | Should -Be 0
        }
    }

    Context 'errors' {
        It 'throws ParameterInvalid when the shares add up to more than 100' {
            { Split-DlDataSet -DataSet $Pair -TrainingPercent 90 -ValidationPercent 20 } |
                Should -Throw -ErrorId "ParameterInvalid,$SplitCommand"
        }

        It 'accepts shares that add up to exactly 100' {
            { Split-DlDataSet -DataSet $Pair -TrainingPercent 85 -ValidationPercent 15 } | Should -Not -Throw
        }

        It 'rejects -<Name> <Value> by parameter validation' -TestCases @(
            @{ Name = 'TrainingPercent'; Value = 0 }
            @{ Name = 'TrainingPercent'; Value = 101 }
            @{ Name = 'ValidationPercent'; Value = -1 }
            @{ Name = 'ValidationPercent'; Value = 100 }
        ) {
            $arguments = @{ DataSet = $Pair; $Name = $Value }

            { Split-DlDataSet @arguments } | Should -Throw -ErrorId "ParameterArgumentValidationError,$SplitCommand"
        }

        It 'warns about each class too small for the split, and each subset a class gets no image of' {
            # At 70/15/15, classes of 1 and 2 images are too small for three subsets and go to training whole;
            # 3 images round to no validation image, and 4 or 5 images to no test image.
            $null = Split-DlDataSet -DataSet $Sizes -WarningVariable warnings -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 5
            "$($warnings[0])" | Should -BeLike "*'n01'*too few*"
            "$($warnings[1])" | Should -BeLike "*'n02'*too few*"
            "$($warnings[2])" | Should -BeLike "*'n03'*no validation image*"
            "$($warnings[3])" | Should -BeLike "*'n04'*no test image*"
            "$($warnings[4])" | Should -BeLike "*'n05'*no test image*"
        }

        It 'warns only about a class too small for training and test when no validation share is asked for' {
            $null = Split-DlDataSet -DataSet $Sizes -ValidationPercent 0 -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike "*'n01'*too few*2 subsets*"
        }
    }
}
