Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $ModulePath = Get-DlModulePath
    Import-Module -Name $ModulePath -Force -ErrorAction Stop
    # The module's own ImageSharp (from its dependencies folder) writes the test images, so they need nothing else.
    Add-Type -Path (Join-Path (Split-Path -Path $ModulePath -Parent) 'dependencies/SixLabors.ImageSharp.dll')

    function New-TestFolder {
        # A fresh folder below TestDrive for one test, so that no test sees another one's files.
        $path = Join-Path $TestDrive ([guid]::NewGuid().ToString('N').Substring(0, 8))
        (New-Item -Path $path -ItemType Directory).FullName
    }

    function New-TestImage {
        # A flat grey image of the given value, as PNG or (with -Jpeg) JPEG; parent folders are created.
        param(
            [Parameter(Mandatory)] [string] $Path,
            [byte] $Value = 100,
            [int] $Width = 4,
            [int] $Height = 4,
            [switch] $Jpeg
        )

        $null = New-Item -Path (Split-Path -Path $Path -Parent) -ItemType Directory -Force
        $grey = [SixLabors.ImageSharp.PixelFormats.L8]::new($Value)
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]]::new($Width, $Height, $grey)
        try {
            if ($Jpeg) {
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsJpeg($image, $Path)
            }
            else {
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, $Path)
            }
        }
        finally {
            $image.Dispose()
        }
        $Path
    }

    function Get-SampleSummary {
        # One comparable line per sample: everything import and export must keep.
        param([Parameter(Mandatory)] $DataSet)

        foreach ($s in $DataSet.Samples) {
            '{0}|{1}|{2}|{3}|{4}|{5}x{6}x{7}|{8}' -f $s.Path, $s.ClassName, $s.ClassIndex, $s.Split, $s.Group,
                $s.Width, $s.Height, $s.Channels, $s.ContentHash
        }
    }
}

Describe 'Import-DlDataSet' {
    Context 'class folders' {
        It 'makes one class per folder, in ordinal order of the names' {
            $root = New-TestFolder
            $value = 0
            foreach ($name in 'nut', 'Bolt', 'washer', 'nut') {
                $value++
                New-TestImage -Path (Join-Path $root $name "$value.png") -Value $value
            }

            $dataSet = Import-DlDataSet -Path $root

            $dataSet.ClassNames | Should -Be @('Bolt', 'nut', 'washer')
            $dataSet.CountPerClass() | Should -Be @(1, 2, 1)
            $dataSet.ImportReport.ClassCounts['nut'] | Should -Be 2
        }

        It 'skips <Name> and lists it in the verbose stream' -TestCases @(
            @{ Name = 'desktop.ini'; Reason = 'operating-system metadata file' }
            @{ Name = 'Thumbs.db'; Reason = 'operating-system metadata file' }
            @{ Name = '.DS_Store'; Reason = 'hidden file or folder' }
            @{ Name = 'notes.txt'; Reason = 'not an image file name ending' }
        ) {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            $clutter = Join-Path $root 'bolt' $Name
            Set-Content -Path $clutter -Value '[.ShellClassInfo]'

            $output = Import-DlDataSet -Path $root -Verbose 4>&1

            $dataSet = $output | Where-Object { $_ -is [DlClassifier.Engine.Data.DlDataSet] }
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $dataSet.Count | Should -Be 1
            $verbose.Message | Should -Contain "Skipped '$clutter': $Reason."
            $dataSet.ImportReport.SkippedFiles.Path | Should -Be @($clutter)
        }

        It 'makes no class of a metadata folder such as __MACOSX' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            New-TestImage -Path (Join-Path $root '__MACOSX' 'bolt' 'a.png')

            (Import-DlDataSet -Path $root).ClassNames | Should -Be @('bolt')
        }

        It 'refuses an empty class folder by name' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'full' 'a.png')
            $null = New-Item -Path (Join-Path $root 'hollow') -ItemType Directory

            { Import-DlDataSet -Path $root } | Should -Throw -ErrorId 'DataSetInvalid,*' -ExpectedMessage "*'hollow'*"
        }

        It 'leaves an empty class folder out with a warning under -SkipEmptyClass' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'full' 'a.png')
            $null = New-Item -Path (Join-Path $root 'hollow') -ItemType Directory

            $dataSet = Import-DlDataSet -Path $root -SkipEmptyClass -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $dataSet.ClassNames | Should -Be @('full')
            @($warnings).Message | Should -Be @("The class folder 'hollow' holds no image. It was left out.")
        }
    }

    Context 'lists' {
        It 'reads paths, classes, groups and splits from a <Extension> list' -TestCases @(
            @{ Extension = 'csv'; Separator = ',' }
            @{ Extension = 'tsv'; Separator = "`t" }
        ) {
            $root = New-TestFolder
            $bolt = New-TestImage -Path (Join-Path $root 'img' 'bolt.png') -Value 1
            $nut = New-TestImage -Path (Join-Path $root 'img' 'nut.png') -Value 2
            $list = Join-Path $root "set.$Extension"
            @('Path', 'Class', 'Group', 'Split'), @('img/nut.png', 'nut', '', 'Test'), @($bolt, 'bolt', 'g1', 'train') |
                ForEach-Object { $_ -join $Separator } | Set-Content -Path $list

            $dataSet = Import-DlDataSet -ListPath $list

            $dataSet.ClassNames | Should -Be @('bolt', 'nut')
            $dataSet.Samples.Path | Should -Be @($nut, $bolt)
            $dataSet.Samples.ClassIndex | Should -Be @(1, 0)
            $dataSet.Samples.Split | Should -Be @('Test', 'Training')
            $dataSet.Samples[1].Group | Should -Be 'g1'
        }

        It 'reads a list of several classes written by Export-Csv' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'photos' 'bolt-1.png') -Value 1
            New-TestImage -Path (Join-Path $root 'photos' 'bolt-2.png') -Value 2
            New-TestImage -Path (Join-Path $root 'photos' 'nut-1.png') -Value 3
            $list = Join-Path $root 'set.csv'

            $rows = foreach ($class in 'bolt', 'nut') {
                Get-ChildItem -Path (Join-Path $root 'photos' "$class-*.png") |
                    ForEach-Object { [pscustomobject]@{ Path = $_.FullName; Class = $class } }
            }
            $rows | Export-Csv -Path $list
            $dataSet = Import-DlDataSet -ListPath $list

            $dataSet.ClassNames | Should -Be @('bolt', 'nut')
            $dataSet.CountPerClass() | Should -Be @(2, 1)
        }

        It 'resolves relative paths against the folder of the list, not the current location' {
            $root = New-TestFolder
            $image = New-TestImage -Path (Join-Path $root 'lists' 'a.png')
            Set-Content -Path (Join-Path $root 'lists' 'set.csv') -Value "path,class`na.png,x"

            Push-Location -Path $TestDrive
            try {
                $dataSet = Import-DlDataSet -ListPath (Join-Path $root 'lists' 'set.csv')
            }
            finally {
                Pop-Location
            }

            $dataSet.Samples.Path | Should -Be @($image)
        }

        It 'names the line of an unknown split' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a.png')
            $list = Join-Path $root 'set.csv'
            Set-Content -Path $list -Value "path,class,split`na.png,x,training`na.png,x,tran"

            $expected = "Line 3 of the list '$list' has the split 'tran'*"
            { Import-DlDataSet -ListPath $list } | Should -Throw -ErrorId 'DataSetInvalid,*' -ExpectedMessage $expected
        }

        It 'reports a listed file that does not exist as PathNotFound and imports the others' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a.png')
            $list = Join-Path $root 'set.csv'
            Set-Content -Path $list -Value "path,class`na.png,x`nmissing.png,x"

            $dataSet = Import-DlDataSet -ListPath $list -ErrorVariable problems -ErrorAction SilentlyContinue

            $dataSet.Count | Should -Be 1
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $problems[0].TargetObject | Should -Be (Join-Path $root 'missing.png')
            $problems[0].ToString() | Should -BeLike '*The list names it on line 3.*'
        }
    }

    Context 'pipeline' {
        It 'binds Get-ChildItem files to InputObject, not to LiteralPath, when -ClassName is given' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolts' 'a.png') -Value 1
            New-TestImage -Path (Join-Path $root 'bolts' 'b.PNG') -Value 2
            Set-Content -Path (Join-Path $root 'bolts' 'desktop.ini') -Value 'x'

            $dataSet = Get-ChildItem -Path (Join-Path $root 'bolts') | Import-DlDataSet -ClassName bolt

            $dataSet.ClassNames | Should -Be @('bolt')
            $dataSet.Samples.Path | Should -Be @((Join-Path $root 'bolts' 'a.png'), (Join-Path $root 'bolts' 'b.PNG'))
            $dataSet.Samples.ClassIndex | Should -Be @(0, 0)
            $dataSet.ImportReport.SkippedFiles.Path | Should -Be @((Join-Path $root 'bolts' 'desktop.ini'))
        }

        It 'takes a folder from Get-Item as every image below it' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolts' 'deep' 'a.png')

            $dataSet = Get-Item -Path (Join-Path $root 'bolts') | Import-DlDataSet -ClassName bolt

            $dataSet.Samples.Path | Should -Be @((Join-Path $root 'bolts' 'deep' 'a.png'))
        }

        It 'takes path strings, with wildcards, relative to the current location' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a.png') -Value 1
            New-TestImage -Path (Join-Path $root 'b.png') -Value 2

            Push-Location -Path $root
            try {
                $dataSet = Import-DlDataSet -ClassName bolt -InputObject '*.png'
            }
            finally {
                Pop-Location
            }

            $dataSet.Count | Should -Be 2
        }

        It 'treats piped files without -ClassName as class roots and refuses them' {
            $root = New-TestFolder
            $image = New-TestImage -Path (Join-Path $root 'a.png')

            Get-Item -Path $image | Import-DlDataSet -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'DataSetInvalid,*'
            $problems[0].TargetObject | Should -Be $image
        }

        It 'refuses a blank class name' {
            $root = New-TestFolder
            $image = New-TestImage -Path (Join-Path $root 'a.png')

            { Get-Item -Path $image | Import-DlDataSet -ClassName ' ' } | Should -Throw -ErrorId 'ParameterInvalid,*'
        }

        It 'refuses piped objects that are not files' {
            42 | Import-DlDataSet -ClassName bolt -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParameterInvalid,*'
        }
    }

    Context 'broken files' {
        It 'writes one error for <Kind> naming the file and imports every other image' -TestCases @(
            @{ Kind = 'an empty file'; Bytes = [byte[]]@(); Reason = '*the file is empty (0 bytes).*' }
            @{ Kind = 'text'; Bytes = [Text.Encoding]::ASCII.GetBytes('plain text'); Reason = '*no image format*' }
            @{ Kind = 'a cut PNG'; Bytes = [byte[]]@(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13)
                Reason = '*PNG data is damaged or incomplete*' }
        ) {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'good.png') -Value 1
            New-TestImage -Path (Join-Path $root 'b' 'good.png') -Value 2
            $broken = Join-Path $root 'a' 'broken.png'
            [IO.File]::WriteAllBytes($broken, $Bytes)

            $output = Import-DlDataSet -Path $root -Verbose -ErrorVariable problems -ErrorAction SilentlyContinue 4>&1

            $dataSet = $output | Where-Object { $_ -is [DlClassifier.Engine.Data.DlDataSet] }
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $dataSet.Count | Should -Be 2
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable,*'
            $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $problems[0].TargetObject | Should -Be $broken
            $problems[0].ToString() | Should -BeLike "'$broken'$Reason"
            $problems[0].Exception | Should -BeOfType [System.IO.InvalidDataException]
            $verbose.Message |
                Should -Contain 'Imported 2 images in 2 classes (a: 1, b: 1); 1 file(s) could not be read, 0 skipped.'
        }

        It 'refuses every cut of a whole <Format> image by name and imports the images beside them' -TestCases @(
            @{ Format = 'PNG'; Extension = 'png' }
            @{ Format = 'JPEG'; Extension = 'jpg' }
        ) {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'good.png') -Value 1
            New-TestImage -Path (Join-Path $root 'b' 'good.png') -Value 2
            $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(28, 28)
            $stream = [IO.MemoryStream]::new()
            try {
                for ($i = 0; $i -lt 28 * 28; $i++) {
                    $pixel = [SixLabors.ImageSharp.PixelFormats.Rgb24]::new($i * 7 % 256, $i * 13 % 256, $i * 29 % 256)
                    $image.set_Item($i % 28, [math]::Floor($i / 28), $pixel)
                }
                if ($Extension -eq 'png') {
                    [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, $stream)
                }
                else {
                    [SixLabors.ImageSharp.ImageExtensions]::SaveAsJpeg($image, $stream)
                }
            }
            finally {
                $image.Dispose()
            }
            $bytes = $stream.ToArray()
            $cuts = foreach ($length in @(1, 3, 5, 7, 9, 11 | ForEach-Object { [int]($bytes.Length * $_ / 12) }) +
                ($bytes.Length - 1)) {
                $cut = Join-Path $root 'a' "cut-$length.$Extension"
                [IO.File]::WriteAllBytes($cut, $bytes[0..($length - 1)])
                $cut
            }

            $dataSet = Import-DlDataSet -Path $root -ErrorVariable problems -ErrorAction SilentlyContinue

            $dataSet.Count | Should -Be 2
            $problems | Should -HaveCount 7
            ($problems.TargetObject | Sort-Object) | Should -Be ($cuts | Sort-Object)
            foreach ($problem in $problems) {
                $problem.FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable,*'
                $problem.ToString() | Should -BeLike "'$($problem.TargetObject)' is not a readable image: *"
            }
        }

        It 'reports a file that cannot be opened as an error record, not as a bare exception' {
            # A link to a missing file stands in for an unreadable one; permissions do not hold for root.
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'good.png')
            $dangling = Join-Path $root 'a' 'dangling.png'
            $null = New-Item -ItemType SymbolicLink -Path $dangling -Target (Join-Path $root 'nowhere.png')

            $dataSet = Import-DlDataSet -Path $root -ErrorVariable problems -ErrorAction SilentlyContinue

            $dataSet.Count | Should -Be 1
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $problems[0].TargetObject | Should -Be $dangling
        }

        It 'stops at the first broken file, in path order, under -ErrorAction Stop' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'good.png')
            Set-Content -Path (Join-Path $root 'a' 'y.png') -Value 'text'
            Set-Content -Path (Join-Path $root 'a' 'x.png') -Value 'text'

            { Import-DlDataSet -Path $root -ErrorAction Stop } |
                Should -Throw -ErrorId 'ImageUnreadable,*' -ExpectedMessage "'$(Join-Path $root 'a' 'x.png')'*"
        }

        It 'refuses an image above -MaxPixels, naming the file, its size and the limit' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'small.png') -Width 3 -Height 5
            $large = New-TestImage -Path (Join-Path $root 'a' 'large.png') -Width 4 -Height 4

            $dataSet = Import-DlDataSet -Path $root -MaxPixels 15 -ErrorVariable problems -ErrorAction SilentlyContinue

            $dataSet.Count | Should -Be 1
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'ImageTooLarge,*'
            $problems[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $problems[0].TargetObject | Should -Be $large
            $problems[0].ToString() | Should -Be ("'$large' declares 4 × 4 = 16 pixels in its header, more than the " +
                'limit of 15 pixels; it was not decoded. The other images were imported. If the image is genuine, ' +
                'raise -MaxPixels.')
        }

        It 'accepts an image exactly at -MaxPixels' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'a' 'large.png') -Width 4 -Height 4

            (Import-DlDataSet -Path $root -MaxPixels 16).Count | Should -Be 1
        }
    }

    Context 'report' {
        It 'lists byte-identical files as groups in the verbose stream and in ImportReport' {
            $root = New-TestFolder
            $first = New-TestImage -Path (Join-Path $root 'bolt' 'a.png') -Value 7
            $copy = Join-Path $root 'bolt' 'b.png'
            Copy-Item -Path $first -Destination $copy
            New-TestImage -Path (Join-Path $root 'bolt' 'c.png') -Value 8

            $output = Import-DlDataSet -Path $root -Verbose 4>&1

            $dataSet = $output | Where-Object { $_ -is [DlClassifier.Engine.Data.DlDataSet] }
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $verbose.Message | Should -Contain 'Found 1 group(s) of byte-identical files.'
            $verbose.Message | Should -Contain "Byte-identical: $first (bolt), $copy (bolt)."
            $dataSet.ImportReport.DuplicateGroups | Should -HaveCount 1
            $dataSet.ImportReport.DuplicateGroups[0].Paths | Should -Be @($first, $copy)
        }

        It 'warns when byte-identical files carry different classes, naming both' {
            $root = New-TestFolder
            $bolt = New-TestImage -Path (Join-Path $root 'bolt' 'a.png') -Value 7
            $nut = Join-Path $root 'nut' 'a.png'
            $null = New-Item -Path (Split-Path $nut) -ItemType Directory
            Copy-Item -Path $bolt -Destination $nut

            $null = Import-DlDataSet -Path $root -WarningVariable warnings -WarningAction SilentlyContinue

            @($warnings).Message | Should -Be @("These files are byte-identical but labelled with different classes: " +
                "$bolt (bolt), $nut (nut). Keep one of them in the right class and remove the others.")
        }

        It 'warns when a file holds another format than its name says' {
            $root = New-TestFolder
            $disguised = New-TestImage -Path (Join-Path $root 'bolt' 'photo.png') -Jpeg

            $dataSet = Import-DlDataSet -Path $root -WarningVariable warnings -WarningAction SilentlyContinue

            $dataSet.Count | Should -Be 1
            @($warnings).Message | Should -Be @("'$disguised' holds a JPEG image although its name ends in '.png'; " +
                'it was read as JPEG.')
        }

        It 'shows the report with Format-List' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')

            $text = (Import-DlDataSet -Path $root).ImportReport | Format-List | Out-String

            $text | Should -Match 'ClassCounts\s*:\s*\{\[bolt, 1\]\}'
            $text | Should -Match 'DuplicateGroups\s*:\s*\{\}'
        }
    }
}

Describe 'Export-DlDataSet' {
    Context 'writing' {
        It 'writes a list that Import-DlDataSet reads back into identical samples and splits' {
            $root = New-TestFolder
            foreach ($i in 1..6) {
                New-TestImage -Path (Join-Path $root 'images' ('bolt', 'nut')[$i % 2] "$i.png") -Value $i
            }
            $original = Import-DlDataSet -Path (Join-Path $root 'images') |
                Split-DlDataSet -TrainingPercent 50 -ValidationPercent 25 -Seed 7
            $list = Join-Path $root 'set.csv'

            $original | Export-DlDataSet -Path $list
            $imported = Import-DlDataSet -ListPath $list

            $imported.ClassNames | Should -Be $original.ClassNames
            Get-SampleSummary $imported | Should -Be (Get-SampleSummary $original)
            (Get-Content -Path $list)[0] | Should -Be 'path,class,group,split'
            (Get-Content -Path $list)[1] | Should -BeLike 'images/bolt/2.png,bolt,,*'
        }

        It 'writes samples filtered with Where-Object' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'small.png') -Width 2 -Height 2
            New-TestImage -Path (Join-Path $root 'bolt' 'large.png') -Width 8 -Height 8
            New-TestImage -Path (Join-Path $root 'nut' 'large.png') -Width 8 -Height 9
            $list = Join-Path $root 'large.csv'

            (Import-DlDataSet -Path $root).Samples | Where-Object Width -GE 8 | Export-DlDataSet -Path $list
            $imported = Import-DlDataSet -ListPath $list

            $expected = @((Join-Path $root 'bolt' 'large.png'), (Join-Path $root 'nut' 'large.png'))
            $imported.Samples.Path | Should -Be $expected
            $imported.ClassNames | Should -Be @('bolt', 'nut')
        }

        It 'separates with tabs when the name ends in .tsv' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            $list = Join-Path $root 'set.tsv'

            Import-DlDataSet -Path $root | Export-DlDataSet -Path $list

            Get-Content -Path $list | Should -Be @("path`tclass`tgroup`tsplit", "bolt/a.png`tbolt`t`t")
        }

        It 'returns the file with -PassThru' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            $list = Join-Path $root 'set.csv'

            $file = Import-DlDataSet -Path $root | Export-DlDataSet -Path $list -PassThru

            $file | Should -BeOfType [System.IO.FileInfo]
            $file.FullName | Should -Be $list
        }
    }

    Context 'WhatIf and overwriting' {
        BeforeAll {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            $dataSet = Import-DlDataSet -Path $root
        }

        It 'writes nothing under -WhatIf' {
            $list = Join-Path $root 'whatif.csv'

            $dataSet | Export-DlDataSet -Path $list -WhatIf

            $list | Should -Not -Exist
        }

        It 'refuses to replace a file without -Force and replaces it with -Force' {
            $list = Join-Path $root 'existing.csv'
            Set-Content -Path $list -Value 'old'

            { $dataSet | Export-DlDataSet -Path $list } | Should -Throw -ErrorId 'FileExists,*'
            Get-Content -Path $list | Should -Be 'old'

            $dataSet | Export-DlDataSet -Path $list -Force
            (Get-Content -Path $list)[0] | Should -Be 'path,class,group,split'
        }
    }

    Context 'errors' {
        It 'refuses samples given twice, which a list cannot hold' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')
            $dataSet = Import-DlDataSet -Path $root

            { @($dataSet.Samples) + @($dataSet.Samples) | Export-DlDataSet -Path (Join-Path $root 'twice.csv') } |
                Should -Throw -ErrorId 'DataSetInvalid,*'
        }

        It 'refuses a folder as the target' {
            $root = New-TestFolder
            New-TestImage -Path (Join-Path $root 'bolt' 'a.png')

            { Import-DlDataSet -Path $root | Export-DlDataSet -Path $root } | Should -Throw -ErrorId 'WriteFailed,*'
        }
    }
}
