Set-StrictMode -Version Latest

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module -Name (Get-DlModulePath) -Force -ErrorAction Stop

    $InvokeCommand = 'DlClassifier.PowerShell.Commands.InvokeDlClassifierCommand'

    $DataRoot = New-DlTestDataSet -Path "$TestDrive/data" -ClassCount ([ordered]@{ stripes = 8; bars = 8 })
    $DataSet = Import-DlDataSet -Path $DataRoot | Split-DlDataSet
    $Classifier = New-DlClassifier -DataSet $DataSet |
        Set-DlClassifierParam -Epochs 2 -BatchSize 4 -LearningRate 0.01 -Seed 3 -Threads 1 -PassThru
    $null = Start-DlTraining -Classifier $Classifier -DataSet $DataSet
    $Images = @($DataSet.Samples.Path)

    function Assert-SamePrediction {
        # Two predictions for one image agree in path, class and every probability to within 1e-5.
        param($Expected, $Actual)

        $Actual.Path | Should -Be $Expected.Path
        $Actual.ClassName | Should -BeExactly $Expected.ClassName
        foreach ($name in $Expected.Probabilities.Keys) {
            [math]::Abs($Actual.Probabilities[$name] - $Expected.Probabilities[$name]) |
                Should -BeLessThan 1e-5 -Because "$name of $($Expected.Path)"
        }
    }
}

Describe 'Invoke-DlClassifier' {
    Context 'parameters' {
        It 'gives every class a probability, in class order, summing to 1' {
            $predictions = Invoke-DlClassifier -Classifier $Classifier -Path $Images

            foreach ($prediction in $predictions) {
                @($prediction.Probabilities.Keys) | Should -Be $Classifier.ClassNames
                $sum = ($prediction.Probabilities.Values | Measure-Object -Sum).Sum
                [math]::Abs($sum - 1) | Should -BeLessThan 1e-5
            }
        }

        It 'names the most probable class with its probability as confidence' {
            $predictions = Invoke-DlClassifier -Classifier $Classifier -Path $Images

            foreach ($prediction in $predictions) {
                $highest = ($prediction.Probabilities.Values | Measure-Object -Maximum).Maximum
                $prediction.Confidence | Should -Be $highest
                $prediction.Probabilities[$prediction.ClassName] | Should -Be $highest
            }
        }

        It 'writes one prediction per image in the order given' {
            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)

            $predictions | Should -HaveCount $Images.Count
            $predictions.Path | Should -Be $Images
        }

        It 'predicts the same with -BatchSize <BatchSize> as with -BatchSize 64' -TestCases @(
            @{ BatchSize = 1 }
            @{ BatchSize = 3 }
        ) {
            $expected = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images -BatchSize 64)

            $actual = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images -BatchSize $BatchSize)

            $actual | Should -HaveCount $expected.Count
            for ($i = 0; $i -lt $expected.Count; $i++) {
                Assert-SamePrediction -Expected $expected[$i] -Actual $actual[$i]
            }
        }

        It 'predicts the same for an image alone as among others' {
            $among = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)

            $alone = Invoke-DlClassifier -Classifier $Classifier -Path $Images[5]

            Assert-SamePrediction -Expected $among[5] -Actual $alone
        }

        It 'predicts as Measure-DlClassifier evaluates' {
            $evaluation = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet -Split All
            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $evaluation.Images.Path)

            for ($i = 0; $i -lt $predictions.Count; $i++) {
                $predictions[$i].ClassName | Should -BeExactly $evaluation.Images[$i].PredictedClass
                [math]::Abs($predictions[$i].Confidence - $evaluation.Images[$i].Confidence) | Should -BeLessThan 1e-6
            }
        }

        It 'classifies an image of another size and colour layout' {
            $odd = New-DlTestPng -Path "$TestDrive/odd/wide-colour.png" -Width 30 -Height 12 -Channels 3 -Fill 90

            $prediction = Invoke-DlClassifier -Classifier $Classifier -Path $odd

            $prediction.ClassName | Should -BeIn $Classifier.ClassNames
            [math]::Abs(($prediction.Probabilities.Values | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-5
        }

        It 'expands a wildcard path' {
            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path (Join-Path $DataRoot 'bars/*.png'))

            $predictions | Should -HaveCount 8
        }

        It 'resolves a relative path against the current location' {
            Push-Location -LiteralPath $DataRoot
            try {
                $prediction = Invoke-DlClassifier -Classifier $Classifier -Path ./bars/bars_000.png
            }
            finally {
                Pop-Location
            }

            $prediction.Path | Should -Be (Join-Path $DataRoot 'bars/bars_000.png')
        }

        It 'takes a file name with brackets literally with -LiteralPath' {
            $file = Join-Path $TestDrive 'odd/part [1].png'
            Copy-Item -LiteralPath $Images[0] -Destination $file

            $prediction = Invoke-DlClassifier -Classifier $Classifier -LiteralPath $file

            $prediction.Path | Should -Be $file
        }

        It 'warns that an untrained classifier predicts at random' {
            $untrained = New-DlClassifier -DataSet $DataSet

            $null = Invoke-DlClassifier -Classifier $untrained -Path $Images[0] -WarningVariable warnings `
                -WarningAction SilentlyContinue

            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '*not been trained*'
        }

        It 'does not warn for a trained classifier' {
            $null = Invoke-DlClassifier -Classifier $Classifier -Path $Images[0] -WarningVariable warnings

            $warnings | Should -HaveCount 0
        }
    }

    Context 'pipeline' {
        It 'takes paths from the pipeline' {
            $predictions = @($Images | Invoke-DlClassifier -Classifier $Classifier)

            $predictions.Path | Should -Be $Images
        }

        It 'takes the files that Get-ChildItem writes' {
            $files = @(Get-ChildItem -LiteralPath (Join-Path $DataRoot 'stripes') -File)

            $predictions = @($files | Invoke-DlClassifier -Classifier $Classifier)

            $predictions | Should -HaveCount $files.Count
            $predictions.Path | Should -Be $files.FullName
        }

        It 'takes piped files whose folder and name hold brackets literally' {
            $folder = Join-Path $TestDrive 'piped/bo[l]t'
            $null = New-Item -ItemType Directory -Path $folder -Force
            Copy-Item -LiteralPath $Images[0] -Destination (Join-Path $folder 'we[ir]d name.png')
            Copy-Item -LiteralPath $Images[1] -Destination (Join-Path $folder 'plain.png')
            $files = @(Get-ChildItem -LiteralPath $folder -File)

            $predictions = @($files | Invoke-DlClassifier -Classifier $Classifier -ErrorVariable problems)

            $problems | Should -HaveCount 0
            $predictions | Should -HaveCount 2
            $predictions.Path | Should -Be $files.FullName
        }

        It 'keeps the input order across batches when more images arrive than fit one batch' {
            $predictions = @($Images | Invoke-DlClassifier -Classifier $Classifier -BatchSize 3)

            $predictions.Path | Should -Be $Images
        }

        It 'takes the image results of an evaluation by their path' {
            $evaluation = Measure-DlClassifier -Classifier $Classifier -DataSet $DataSet

            $predictions = @(Get-DlImageResult -Evaluation $evaluation | Invoke-DlClassifier -Classifier $Classifier)

            $predictions | Should -HaveCount $evaluation.ImageCount
        }
    }

    Context 'reject threshold' {
        It 'marks a prediction below -RejectBelow uncertain, empties ClassName and keeps TopClass' {
            $plain = Invoke-DlClassifier -Classifier $Classifier -Path $Images[0]

            $rejected = Invoke-DlClassifier -Classifier $Classifier -Path $Images[0] `
                -RejectBelow ([math]::BitIncrement($plain.Confidence))

            $rejected.IsUncertain | Should -BeTrue
            $rejected.ClassName | Should -BeExactly ''
            $rejected.TopClass | Should -BeExactly $plain.ClassName
            $rejected.Confidence | Should -Be $plain.Confidence
        }

        It 'keeps a prediction whose confidence equals -RejectBelow' {
            $plain = Invoke-DlClassifier -Classifier $Classifier -Path $Images[0]

            $kept = Invoke-DlClassifier -Classifier $Classifier -Path $Images[0] -RejectBelow $plain.Confidence

            $kept.IsUncertain | Should -BeFalse
            $kept.ClassName | Should -BeExactly $plain.ClassName
        }

        It 'marks nothing uncertain without -RejectBelow, and everything below 1 with -RejectBelow 1' {
            $plain = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images)
            $strict = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images -RejectBelow 1)

            @($plain | Where-Object IsUncertain) | Should -HaveCount 0
            @($plain | Where-Object { $_.ClassName -ne $_.TopClass }) | Should -HaveCount 0
            @($strict | Where-Object IsUncertain).Count | Should -Be @($strict | Where-Object Confidence -lt 1).Count
        }

        It 'rejects -RejectBelow <Value> by parameter validation' -TestCases @(
            @{ Value = -0.1 }
            @{ Value = 1.5 }
        ) {
            { Invoke-DlClassifier -Classifier $Classifier -Path $Images[0] -RejectBelow $Value } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$InvokeCommand"
        }
    }

    Context 'streaming' {
        It 'writes the first predictions before more than one batch of paths has arrived' {
            $script:sent = 0
            $script:sentAtFirstOutput = $null
            $paths = 1..10 | ForEach-Object { $Images }

            $count = 0
            $paths | ForEach-Object { $script:sent++; $_ } |
                Invoke-DlClassifier -Classifier $Classifier -BatchSize 4 |
                ForEach-Object {
                    if ($null -eq $script:sentAtFirstOutput) { $script:sentAtFirstOutput = $script:sent }
                    $count++
                }

            $count | Should -Be $paths.Count
            $script:sentAtFirstOutput | Should -BeLessOrEqual 5
        }

        It 'keeps managed memory flat over many piped files' {
            $paths = 1..20 | ForEach-Object { $Images }
            $null = $Images | Invoke-DlClassifier -Classifier $Classifier -BatchSize 8
            [System.GC]::Collect()
            $before = [System.GC]::GetTotalMemory($true)

            $paths | Invoke-DlClassifier -Classifier $Classifier -BatchSize 8 | Out-Null
            [System.GC]::Collect()
            $after = [System.GC]::GetTotalMemory($true)

            ($after - $before) / 1MB | Should -BeLessThan 16
        }

        It 'gives probabilities summing to 1 in every batch of a long stream' {
            $paths = 1..5 | ForEach-Object { $Images }

            $predictions = @($paths | Invoke-DlClassifier -Classifier $Classifier -BatchSize 7)

            $predictions | Should -HaveCount $paths.Count
            foreach ($prediction in $predictions) {
                [math]::Abs(($prediction.Probabilities.Values | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-5
            }
        }
    }

    Context 'progress' {
        It 'completes its progress record' {
            $run = Invoke-DlCommandInOwnPipeline -Name Invoke-DlClassifier -Parameter @{
                Classifier = $Classifier; Path = $Images
            }

            $run.Output | Should -HaveCount $Images.Count
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }

    Context 'errors' {
        BeforeAll {
            $Broken = Join-Path $TestDrive 'broken/x.png'
            $null = New-Item -Path $Broken -ItemType File -Force -Value 'not a picture'
        }

        It 'writes one ImageUnreadable error with -BatchSize <BatchSize> and predicts the others' -TestCases @(
            @{ BatchSize = 1 }
            @{ BatchSize = 64 }
        ) {
            $paths = @($Images[0], $Broken, $Images[1])

            $predictions = @($paths | Invoke-DlClassifier -Classifier $Classifier -BatchSize $BatchSize `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $predictions.Path | Should -Be @($Images[0], $Images[1])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ImageUnreadable,$InvokeCommand"
            $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $problems[0].TargetObject | Should -Be $Broken
        }

        It 'stops at an unreadable file with -ErrorAction Stop' {
            { Invoke-DlClassifier -Classifier $Classifier -Path $Broken -ErrorAction Stop } |
                Should -Throw -ErrorId "ImageUnreadable,$InvokeCommand"
        }

        It 'writes a PathNotFound error for a missing file and predicts the others' {
            $missing = Join-Path $TestDrive 'nowhere.png'

            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $missing, $Images[0] `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $predictions.Path | Should -Be @($Images[0])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$InvokeCommand"
            $problems[0].TargetObject | Should -Be $missing
        }

        It 'writes a PathNotFound error naming a wildcard path that matches nothing' {
            # The folder exists, so only the pattern finds nothing (a missing folder was always reported).
            $pattern = Join-Path $DataRoot 'bars/*.jpg'

            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $pattern, $Images[0] `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $predictions.Path | Should -Be @($Images[0])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "PathNotFound,$InvokeCommand"
            $problems[0].TargetObject | Should -Be $pattern
            "$($problems[0])" | Should -BeLike "*'$pattern'*"
        }

        It 'refuses a file declaring <Width> x <Height> with ImageTooLarge before decoding it' -TestCases @(
            @{ Width = 12000; Height = 12000 }
            @{ Width = 100000; Height = 100000 }
        ) {
            $bomb = New-DlShortPng -Path (Join-Path $TestDrive "bomb-$Width.png") -Width $Width -Height $Height

            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $Images[0], $bomb `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $predictions.Path | Should -Be @($Images[0])
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -Be "ImageTooLarge,$InvokeCommand"
            $problems[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $problems[0].TargetObject | Should -Be $bomb
            $expected = [string]::Format([cultureinfo]::InvariantCulture,
                "'$bomb' declares {0:N0} × {1:N0} = {2:N0} pixels in its header, more than the limit of " +
                '100,000,000 pixels; it was not decoded. If the image is genuine, raise -MaxPixels.',
                $Width, $Height, ([long]$Width * $Height))
            $problems[0].ToString() | Should -Be $expected
        }

        It 'applies -MaxPixels <MaxPixels> to a 16 x 16 image: predicted <Predicted>' -TestCases @(
            @{ MaxPixels = 256; Predicted = 1 }
            @{ MaxPixels = 255; Predicted = 0 }
        ) {
            $image = New-DlTestPng -Path (Join-Path $TestDrive 'limit/square.png') -Width 16 -Height 16

            $predictions = @(Invoke-DlClassifier -Classifier $Classifier -Path $image -MaxPixels $MaxPixels `
                    -ErrorVariable problems -ErrorAction SilentlyContinue)

            $predictions | Should -HaveCount $Predicted
            $problems | Should -HaveCount (1 - $Predicted)
        }

        It 'refuses a PNG whose data stops after 5 of 28 rows with ImageUnreadable' {
            $short = New-DlShortPng -Path (Join-Path $TestDrive 'short/five-rows.png') -Width 28 -Height 28 -Rows 5

            { Invoke-DlClassifier -Classifier $Classifier -Path $short -ErrorAction Stop } |
                Should -Throw -ErrorId "ImageUnreadable,$InvokeCommand" -ExpectedMessage ("'$short' is not a " +
                    'readable image: the file is cut short: its pixel data stops after 5 of 28 rows.')
        }

        It 'rejects -BatchSize <BatchSize> by parameter validation' -TestCases @(
            @{ BatchSize = 0 }
            @{ BatchSize = 4097 }
        ) {
            { Invoke-DlClassifier -Classifier $Classifier -Path $Images[0] -BatchSize $BatchSize } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$InvokeCommand"
        }
    }
}
