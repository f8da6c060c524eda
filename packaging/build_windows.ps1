# Build the Windows one-folder bundle: DIST\StockTracker\StockTracker.exe (windowed, icon and
# version resource) plus stock-tracker.exe (console, for the command line).
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 [-Dist dist] [-Work build]
# Needs: Python 3.11 (python.org, x64) with the app installed (pip install -e .) and pyinstaller 6.
# UNTESTED here (built on Linux only); see docs/packaging.md.
param(
    [string]$Dist = "dist",
    [string]$Work = "build",
    [string]$Python = "python"
)
$ErrorActionPreference = "Stop"
$Repo = Resolve-Path (Join-Path $PSScriptRoot "..")
Push-Location $Repo
try {
    $env:QT_QPA_PLATFORM = "offscreen"
    & $Python packaging\render_icons.py | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "rendering the icons failed" }
    Remove-Item Env:\QT_QPA_PLATFORM
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN `
        --distpath $Dist --workpath $Work packaging\stock_tracker.spec
    if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
    $Bundle = Join-Path $Dist "StockTracker"
    $Version = & (Join-Path $Bundle "stock-tracker.exe") --version
    if ($LASTEXITCODE -ne 0) { throw "the built stock-tracker.exe does not start" }
    $Size = (Get-ChildItem $Bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
    Write-Host ("built {0} ({1}, {2:N0} MiB)" -f $Bundle, $Version, $Size)
}
finally {
    Pop-Location
}
