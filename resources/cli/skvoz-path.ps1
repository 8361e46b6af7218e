# Adds the Skvoz folder (where skvoz.cmd is) to PATH, or removes it — run by the installer
# (resources/cli/installer.nsh): -Add when the user says yes to «Добавить команду skvoz в PATH?»,
# -Remove on uninstall, -Test exits 10 when the folder is on PATH already (0 when not). Edits
# the registry value as it is (REG_EXPAND_SZ, %VARIABLES% kept unexpanded), so a long PATH is
# neither truncated nor expanded; then tells running programs that it changed.
param(
  [Parameter(Mandatory = $true)][string]$Dir,
  [ValidateSet('User', 'Machine')][string]$Scope = 'User',
  [switch]$Add,
  [switch]$Remove,
  [switch]$Test
)
$ErrorActionPreference = 'Stop'
$key = if ($Scope -eq 'Machine') {
  'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
} else {
  'HKCU:\Environment'
}
$item = Get-Item -Path $key
$old = [string]$item.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
$dirTrim = $Dir.TrimEnd('\')
$parts = @($old -split ';' | Where-Object { $_ -ne '' })
$kept = @($parts | Where-Object { $_.TrimEnd('\') -ine $dirTrim })
if ($Test) {
  if ($kept.Count -ne $parts.Count) { exit 10 } else { exit 0 }
} elseif ($Add) {
  if ($kept.Count -ne $parts.Count) { exit 0 }   # already there
  $new = ($parts + $Dir) -join ';'
} elseif ($Remove) {
  if ($kept.Count -eq $parts.Count) { exit 0 }   # not there
  $new = $kept -join ';'
} else {
  throw 'give -Add, -Remove or -Test'
}
Set-ItemProperty -Path $key -Name 'Path' -Value $new -Type ExpandString
# WM_SETTINGCHANGE "Environment": new consoles see the new PATH without logging off
$sig = '[DllImport("user32.dll", CharSet = CharSet.Auto)] public static extern IntPtr SendMessageTimeout(IntPtr hWnd, uint Msg, UIntPtr wParam, string lParam, uint fuFlags, uint uTimeout, out UIntPtr lpdwResult);'
$native = Add-Type -MemberDefinition $sig -Name 'SkvozEnv' -Namespace 'Skvoz' -PassThru
$result = [UIntPtr]::Zero
[void]$native::SendMessageTimeout([IntPtr]0xffff, 0x1A, [UIntPtr]::Zero, 'Environment', 2, 5000, [ref]$result)
