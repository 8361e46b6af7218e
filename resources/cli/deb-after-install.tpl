#!/bin/bash
# Skvoz .deb post-install (electron-builder deb.afterInstall; ${executable} and
# ${sanitizedProductName} are filled in by electron-builder). electron-builder's own script
# links /usr/bin/${executable} to the app; here /usr/bin/skvoz is the command line instead —
# resources/bin/skvoz runs the app's bundled CLI with its own Electron in Node mode — and the app
# starts from the applications menu. The rest is electron-builder's script as it is.

# an earlier package may have registered the app itself as /usr/bin/${executable}
if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}' >/dev/null 2>&1 || true
fi
chmod 0755 '/opt/${sanitizedProductName}/resources/bin/skvoz' || true
ln -sf '/opt/${sanitizedProductName}/resources/bin/skvoz' '/usr/bin/skvoz'

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Install apparmor profile (Ubuntu 24+), as electron-builder's own script does.
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi
