<#
.SYNOPSIS
  Install semioscope for the current Windows user (no administrator rights), or remove it.

.DESCRIPTION
  1. a virtual environment in %LOCALAPPDATA%\semioscope\venv (or -Prefix\venv) with Python 3.11+
  2. pip install torch==2.14.1 torchvision==0.29.1, then semioscope from a source tree or wheel
  3. %LOCALAPPDATA%\semioscope\bin\semioscope.cmd, and that folder on the user's PATH
  4. a Start-menu shortcut "semioscope" (no console window) with the semioscope icon
  Running it again repairs/upgrades in place. It never reads, moves or deletes videos, model
  weights (%LOCALAPPDATA%\semioscope\semioscope\Cache) or the per-video review state
  (%LOCALAPPDATA%\semioscope\semioscope); -Uninstall removes only what steps 1-4 created.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installers\windows\install.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install.ps1 -Wheels D:\semioscope-wheels
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    # a semioscope source tree or wheel (default: the tree this script is in, or the wheel in -Wheels)
    [string]$Source = "",
    [string]$Prefix = (Join-Path $env:LOCALAPPDATA "semioscope"),
    # a python.exe (3.11+); default: "py -3.11", then python on PATH
    [string]$Python = "",
    # offline: install only from the wheels in this folder (pip --no-index)
    [string]$Wheels = "",
    # pip index for torch/torchvision only, e.g. https://download.pytorch.org/whl/cpu
    [string]$TorchIndex = "",
    [switch]$NoShortcut,
    [switch]$NoPath,
    [switch]$Uninstall
)

Set-StrictMode -Version 3
$ErrorActionPreference = "Stop"

$TorchPins = @("torch==2.14.1", "torchvision==0.29.1")
$Marker = ".semioscope-installer"
$Venv = Join-Path $Prefix "venv"
$BinDir = Join-Path $Prefix "bin"
$Shim = Join-Path $BinDir "semioscope.cmd"
$Shortcut = Join-Path ([Environment]::GetFolderPath("Programs")) "semioscope.lnk"
$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path

function Say([string]$Message) { Write-Host "install.ps1: $Message" }
function Fail([string]$Message) { Write-Host "install.ps1: error: $Message" -ForegroundColor Red; exit 2 }

# Run a native program and stop when it fails (PowerShell 5.1 does not stop on exit codes).
function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "'$Exe $($Arguments -join ' ')' failed (exit $LASTEXITCODE)" }
}

# Run a native program whose failure we handle ourselves; Windows PowerShell 5.1 would otherwise
# turn its stderr output into a terminating error under ErrorActionPreference=Stop.
function Invoke-Quiet([string]$Exe, [string[]]$Arguments) {
    $ErrorActionPreference = "Continue"
    & $Exe @Arguments 2>$null
}

function Get-UserPath { [Environment]::GetEnvironmentVariable("Path", "User") }

function Remove-FromUserPath([string]$Dir) {
    $current = Get-UserPath
    if (-not $current) { return }
    $kept = @($current.Split(";") | Where-Object { $_ -and ($_.TrimEnd("\") -ine $Dir.TrimEnd("\")) })
    $joined = $kept -join ";"
    if ($joined -ne $current) {
        [Environment]::SetEnvironmentVariable("Path", $joined, "User")
        Say "removed $Dir from your PATH"
    }
}

if ($Uninstall) {
    if (Test-Path $Shortcut) { Remove-Item -Force $Shortcut; Say "removed $Shortcut" }
    if (Test-Path $Shim) { Remove-Item -Force $Shim; Say "removed $Shim" }
    if ((Test-Path $BinDir) -and -not (Get-ChildItem $BinDir -Force)) { Remove-Item $BinDir }
    Remove-FromUserPath $BinDir
    if (Test-Path $Venv) {
        if ((Test-Path (Join-Path $Venv $Marker)) -and (Test-Path (Join-Path $Venv "pyvenv.cfg"))) {
            Remove-Item -Recurse -Force $Venv
            Say "removed $Venv"
        } else {
            Say "left $Venv alone (not made by this installer)"
        }
    }
    if ((Test-Path $Prefix) -and -not (Get-ChildItem $Prefix -Force)) { Remove-Item $Prefix }
    Say "semioscope is uninstalled. Left untouched: your videos, downloaded model weights and"
    Say "your review state (in $(Join-Path $Prefix 'semioscope')); delete them by hand if wanted."
    exit 0
}

# ---- Python 3.11+ ------------------------------------------------------------------------------
$VersionCheck = "import sys; sys.exit(sys.version_info < (3, 11))"
if (-not $Python) {
    if (Get-Command py -ErrorAction SilentlyContinue) {
        $found = Invoke-Quiet "py" @("-3.11", "-c", "import sys; print(sys.executable)")
        if ($LASTEXITCODE -eq 0 -and $found) { $Python = "$found".Trim() }
    }
    if (-not $Python -and (Get-Command python -ErrorAction SilentlyContinue)) {
        $Python = (Get-Command python).Source
    }
    if (-not $Python) { Fail "Python 3.11 not found; install it (python.org) or pass -Python" }
}
Invoke-Quiet $Python @("-c", $VersionCheck) | Out-Null
if ($LASTEXITCODE -ne 0) { Fail "$Python is not Python 3.11+; pass -Python C:\path\to\python.exe" }

# ---- what to install ---------------------------------------------------------------------------
$PipSource = @()
if ($Wheels) {
    if (-not (Test-Path $Wheels -PathType Container)) { Fail "${Wheels}: no such folder" }
    $Wheels = (Resolve-Path $Wheels).Path
    $PipSource = @("--no-index", "--find-links", $Wheels)
}
if (-not $Source) {
    if ($Wheels -and (Get-ChildItem $Wheels -Filter "semioscope-*.whl")) {
        $Source = "semioscope"
    } elseif (Test-Path (Join-Path $Repo "pyproject.toml")) {
        $Source = $Repo
    } else {
        Fail "no -Source given and no source tree around this script"
    }
} elseif (Test-Path $Source) {
    $Source = (Resolve-Path $Source).Path
} else {
    Fail "${Source}: no such file or folder"
}

# ---- venv and packages ------------------------------------------------------------------------
New-Item -ItemType Directory -Force -Path $Prefix | Out-Null
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$reuse = $false
if (Test-Path $VenvPython) {
    Invoke-Quiet $VenvPython @("-c", $VersionCheck) | Out-Null
    $reuse = ($LASTEXITCODE -eq 0)
}
if ($reuse) {
    Say "reusing $Venv"
} else {
    if ((Test-Path $Venv) -and -not (Test-Path (Join-Path $Venv $Marker))) {
        Fail "$Venv exists and was not made by this installer"
    }
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Say "creating $Venv with $Python"
    Invoke-Checked $Python @("-m", "venv", $Venv)
}
New-Item -ItemType File -Force -Path (Join-Path $Venv $Marker) | Out-Null

$Pip = @("-m", "pip", "--disable-pip-version-check")
if (-not $Wheels) { Invoke-Checked $VenvPython ($Pip + @("install", "--quiet", "--upgrade", "pip")) }
$TorchSource = $PipSource
if ($TorchIndex -and -not $Wheels) { $TorchSource = @("--index-url", $TorchIndex) }
Say "installing $($TorchPins -join ' ') (large download on first install)"
Invoke-Checked $VenvPython ($Pip + @("install") + $TorchSource + $TorchPins)
Say "installing semioscope from $Source"
Invoke-Checked $VenvPython ($Pip + @("install") + $PipSource + @("--upgrade", $Source))
Invoke-Checked (Join-Path $Venv "Scripts\semioscope.exe") @("--version")

# ---- command on PATH -------------------------------------------------------------------------
New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
$ShimText = "@echo off`r`n`"$(Join-Path $Venv 'Scripts\semioscope.exe')`" %*`r`n"
[IO.File]::WriteAllText($Shim, $ShimText, [Text.Encoding]::ASCII)
Say "wrote $Shim"
if (-not $NoPath) {
    $current = Get-UserPath
    $parts = @()
    if ($current) { $parts = @($current.Split(";") | Where-Object { $_ }) }
    if (-not ($parts | Where-Object { $_.TrimEnd("\") -ieq $BinDir.TrimEnd("\") })) {
        [Environment]::SetEnvironmentVariable("Path", (($parts + $BinDir) -join ";"), "User")
        Say "added $BinDir to your PATH (open a new terminal to use 'semioscope')"
    }
}

# ---- Start-menu shortcut -----------------------------------------------------------------------
if (-not $NoShortcut) {
    $Icon = & $VenvPython -c "from semioscope.resources import resource_path as r; print(r('semioscope.ico'))"
    if ($LASTEXITCODE -ne 0) { Fail "the installed package has no icon (semioscope.resources)" }
    $shell = New-Object -ComObject WScript.Shell
    $link = $shell.CreateShortcut($Shortcut)
    $link.TargetPath = Join-Path $Venv "Scripts\pythonw.exe"   # no console window
    $link.Arguments = "-m semioscope review"
    $link.WorkingDirectory = [Environment]::GetFolderPath("MyDocuments")
    $link.IconLocation = "$("$Icon".Trim()),0"
    $link.Description = "Review infrared EMU seizure videos (research use only)"
    $link.Save()
    Say "created Start-menu shortcut $Shortcut"
}

Say "done: run 'semioscope review' (or 'semioscope models list' to see which weights are present)"
