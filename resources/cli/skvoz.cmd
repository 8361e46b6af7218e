@echo off
rem skvoz - the Skvoz command line, installed next to Skvoz.exe (the installer can add this
rem folder to PATH). It runs the app's own build of the command (out\cli\skvoz.js in app.asar)
rem with the app's own Electron in Node mode, so no separate Node.js is needed.
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0Skvoz.exe" "%~dp0resources\app.asar\out\cli\skvoz.js" %*
exit /b %ERRORLEVEL%
