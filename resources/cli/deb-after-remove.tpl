#!/bin/bash
# Skvoz .deb post-remove (electron-builder deb.afterRemove): takes /usr/bin/skvoz away when it is
# still our link (deb-after-install.tpl), then electron-builder's own AppArmor clean-up.
if [ "$(readlink /usr/bin/skvoz 2>/dev/null)" = '/opt/${sanitizedProductName}/resources/bin/skvoz' ]; then
    rm -f /usr/bin/skvoz
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
