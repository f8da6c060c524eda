"""Language choice and Qt translators.

English is the source language; every ``*_<lang>.qm`` in ``resources/translations`` (one per
part of the window) is installed for the chosen language, plus Qt's own catalogue for standard
buttons and dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from stock_tracker_desktop.package_data import translations_dir

LANGUAGES = ("en", "ru")


def system_language() -> str:
    """Russian when the system's locale is Russian, English otherwise."""
    return "ru" if QLocale.system().language() == QLocale.Language.Russian else "en"


def resolve_language(setting: str) -> str:
    """The language to use for the stored setting ("" follows the system)."""
    return setting if setting in LANGUAGES else system_language()


_installed: list[QTranslator] = []


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Replace the installed translators with those of ``language``; return them.

    Widgets created afterwards speak the new language; existing ones keep their texts until
    they are re-created (the settings dialog says a restart applies it).
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        return []
    catalogues = sorted(translations_dir().glob(f"*_{language}.qm"))
    for path in catalogues:
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
    qt_own = QTranslator(app)
    qt_path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_path):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return list(_installed)
