"""The Team tab of the settings (docs/team.md): join a team or set one up; in a team, where it
meets, how far pushing and pulling have got, what the server refused, its members, leaving it.

Every action is ``core.team``'s and says what `stock-tracker team ...` says on the command line.
A refusal the person can act on (``TeamError``) is shown with its message: in the dialog that
asked for the input, so it can be corrected there, or in a message box for the tab's buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import AppCore, TeamError, TeamRole, redact
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import run_dialog, show_message, spawn
from stock_tracker_desktop.ui.tenant_editor import OK_STYLE

if TYPE_CHECKING:  # a solo desktop's window never loads the team's client (psycopg and all)
    from stock_tracker_desktop.core import CycleReport, FailedEntry, Member, TeamStatus
from stock_tracker_desktop.ui.team_dialogs import (
    ActionDialog,
    InviteDialog,
    JoinDialog,
    SetupDialog,
)
from stock_tracker_desktop.ui.team_words import (
    error_label,
    kind_name,
    moment_text,
    read_only_table,
    role_name,
    table_item,
)

# A cycle may report every few hundred milliseconds: the tab reads its state at most this often.
RELOAD_MS = 1500


class TeamBridge(QObject):
    """The team's cycle reports (or the server's error while it is away) as a Qt signal.

    The core calls its listeners on the loop, or on its worker's thread when no loop runs; a
    signal from another thread is queued, so ``heard`` always reaches the widgets on theirs.
    """

    heard = Signal(object)  # CycleReport | str

    def __init__(self, core: AppCore, parent: QObject) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = core.team.subscribe(self.heard.emit)
        # The core outlives widgets: stop calling into a Qt object that is gone.
        parent.destroyed.connect(lambda *_: self.detach())

    def detach(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()


def pulled_changes(report: CycleReport | str) -> bool:
    """Whether a cycle brought other desktops' changes (sellers, figures, runs) here."""
    return not isinstance(report, str) and report.pulled.changed


# ----- the tab -----------------------------------------------------------------------------------


class _ScrolledPage(QWidget):
    """A page in a resizable scroll area. The area asks a page with wrapped texts how tall it
    is at a width and makes that its least height; the preferred height (every table at its
    size hint) would scroll a page that fits. The least one scrolls it only when it cannot
    fit, and the stretching parts share what is left."""

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        if layout is None:
            return super().heightForWidth(width)
        return layout.minimumHeightForWidth(width)


class TeamTab(QWidget):
    """``loaded``: the tab shows the desktop's standing as last read; ``changed``: the desktop
    joined or left a team (the window starts or stops the background cycle and reloads)."""

    loaded = Signal()
    members_loaded = Signal()
    changed = Signal()

    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.status: TeamStatus | None = None
        self.failed: list[FailedEntry] = []
        self.members: list[Member] = []
        self.dialog: ActionDialog | None = None  # the open action dialog (tests reach it here)
        self.confirm_box: QMessageBox | None = None
        self._members_of = ""  # the login the members were listed for
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet(OK_STYLE)
        self.notice.hide()
        self.pages = QStackedWidget()
        self.solo_page = self._solo_page()
        self.team_page = self._team_page()
        # A team in trouble (the server away, refused changes) shows more than a small screen
        # holds: it scrolls rather than squeezing its wrapped texts.
        self.team_view = QScrollArea()
        self.team_view.setWidget(self.team_page)
        self.team_view.setWidgetResizable(True)
        self.team_view.setFrameShape(QFrame.Shape.NoFrame)
        # The tab's own background shows through, as on the other pages (setWidget filled it).
        self.team_page.setAutoFillBackground(False)
        self.team_view.viewport().setAutoFillBackground(False)
        self.pages.addWidget(self.solo_page)
        self.pages.addWidget(self.team_view)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self.bridge = TeamBridge(core, self)
        self.bridge.heard.connect(self._heard)
        self._read = False

    # ----- pages -----------------------------------------------------------------------------

    def _solo_page(self) -> QWidget:
        page = QWidget()
        explanation = QLabel(
            self.tr(
                "This desktop works on its own. In a team, the agency's desktops share their "
                "sellers, current figures and sync history through one PostgreSQL server, and "
                "no seller is synced by two desktops at once. Each desktop keeps its own copy "
                "and goes on syncing while the server is away."
            )
        )
        explanation.setWordWrap(True)
        self.join_button = QPushButton(self.tr("Join with an invitation…"))
        self.join_button.setToolTip(self.tr("With the invitation file the team's owner gave you"))
        self.join_button.clicked.connect(self.open_join)
        self.setup_button = QPushButton(self.tr("Set up a team…"))
        self.setup_button.setToolTip(
            self.tr("For the agency's owner: make the team on a PostgreSQL database")
        )
        self.setup_button.clicked.connect(self.open_setup)
        buttons = QHBoxLayout()
        buttons.addWidget(self.join_button)
        buttons.addWidget(self.setup_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _team_page(self) -> QWidget:
        page = _ScrolledPage()
        self.team_name = QLabel()
        self.server = QLabel()
        self.login = QLabel()
        self.role = QLabel()
        self.last_push = QLabel()
        self.last_pull = QLabel()
        self.backlog = QLabel()
        self.away = error_label()
        for label in (self.team_name, self.server, self.login, self.backlog):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.away_title = QLabel(self.tr("Server away:"))
        form = QFormLayout()
        form.addRow(self.tr("Team:"), self.team_name)
        form.addRow(self.tr("Server:"), self.server)
        form.addRow(self.tr("Your login:"), self.login)
        form.addRow(self.tr("Your role:"), self.role)
        form.addRow(self.tr("Last push:"), self.last_push)
        form.addRow(self.tr("Last pull:"), self.last_pull)
        form.addRow(self.tr("Backlog:"), self.backlog)
        form.addRow(self.away_title, self.away)
        standing = QGroupBox(self.tr("This desktop in the team"))
        standing.setLayout(form)

        self.failed_table = read_only_table(
            [self.tr("Seller"), self.tr("Change"), self.tr("Error")], 2
        )
        self.failed_table.setMaximumHeight(self.failed_table.fontMetrics().height() * 6)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Push the refused changes again"))
        self.retry_button.clicked.connect(self.retry)
        retry_column = QVBoxLayout()
        retry_column.addWidget(self.retry_button)
        retry_column.addStretch(1)
        refused_layout = QHBoxLayout()
        refused_layout.addWidget(self.failed_table, 1)
        refused_layout.addLayout(retry_column)
        self.refused_group = QGroupBox(self.tr("Changes the server refused"))
        self.refused_group.setLayout(refused_layout)
        self.refused_group.hide()

        self.members_table = read_only_table(
            [self.tr("Name"), self.tr("Role"), self.tr("Last seen")], 0
        )
        self.members_table.setMinimumHeight(self.members_table.fontMetrics().height() * 4)
        self.members_table.itemSelectionChanged.connect(self._update_member_actions)
        self.members_problem = error_label()
        self.members_problem.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.refresh_members_button = QPushButton(self.tr("Refresh"))
        self.refresh_members_button.setToolTip(self.tr("Ask the team's server who is in the team"))
        self.refresh_members_button.clicked.connect(self.refresh_members)
        self.invite_button = QPushButton(self.tr("Invite…"))
        self.invite_button.setToolTip(self.tr("A login and an invitation file for one person"))
        self.invite_button.clicked.connect(self.open_invite)
        self.revoke_button = QPushButton(self.tr("Revoke…"))
        self.revoke_button.setToolTip(
            self.tr("Drop the selected member's login and rotate the team key")
        )
        self.revoke_button.clicked.connect(self.confirm_revoke)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(self.refresh_members_button)
        member_buttons.addStretch(1)
        member_buttons.addWidget(self.invite_button)
        member_buttons.addWidget(self.revoke_button)
        members_layout = QVBoxLayout()
        members_layout.addWidget(self.members_table, 1)
        members_layout.addWidget(self.members_problem)  # in the table's place when it shows
        members_layout.addLayout(member_buttons)
        members_group = QGroupBox(self.tr("Members"))
        members_group.setLayout(members_layout)

        self.leave_button = QPushButton(self.tr("Leave the team…"))
        self.leave_button.clicked.connect(self.confirm_leave)
        leave_row = QHBoxLayout()
        leave_row.addStretch(1)
        leave_row.addWidget(self.leave_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(standing)
        layout.addWidget(self.refused_group)
        layout.addWidget(members_group, 1)
        layout.addLayout(leave_row)
        return page

    # ----- reading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._read:  # the first time the tab opens
            self._read = True
            self.refresh()

    def refresh(self) -> None:
        spawn(self.reload(), name="team-tab")

    async def reload(self) -> None:
        status = await self.core.team.status()
        failed = await self.core.team.failed() if status is not None else []
        self._show(status, failed)
        if status is not None and self._members_of != status.link.login:
            self.refresh_members()
        self.loaded.emit()

    def _heard(self, report: CycleReport | str) -> None:
        if self.status is None:
            return
        if not self._reload_timer.isActive():
            self._reload_timer.start()
        listing = not self.refresh_members_button.isEnabled()
        if not isinstance(report, str) and self.members_problem.isVisible() and not listing:
            self.refresh_members()  # the server answers again

    def _show(self, status: TeamStatus | None, failed: list[FailedEntry]) -> None:
        self.status, self.failed = status, failed
        if status is None:
            self._members_of = ""
            self.pages.setCurrentWidget(self.solo_page)
            return
        self.pages.setCurrentWidget(self.team_view)
        link = status.link
        self.team_name.setText(link.team)
        self.server.setText(f"{link.host}:{link.port}/{link.database}")
        self.login.setText(link.login)
        self.role.setText(role_name(link.role))
        self.last_push.setText(
            texts.date_time_text(link.last_push_at)
            or QCoreApplication.translate("TeamTab", "never")
        )
        self.last_pull.setText(
            texts.date_time_text(link.last_pull_at)
            or QCoreApplication.translate("TeamTab", "never")
        )
        self.backlog.setText(self._backlog_text(status))
        away = link.server_away_since is not None
        if away:
            self.away.setText(
                self.tr("since %1: %2")
                .replace("%1", moment_text(link.server_away_since))
                .replace("%2", redact(link.last_error) or self.tr("no answer"))
            )
        self.away.setVisible(away)
        self.away_title.setVisible(away)
        self.refused_group.setVisible(bool(failed))
        self.failed_table.setRowCount(len(failed))
        for row, entry in enumerate(failed):
            when = self.tr("Refused at %1").replace("%1", texts.date_time_text(entry.failed_at))
            seller = entry.tenant or self.tr("(a seller deleted since)")
            self.failed_table.setItem(row, 0, table_item(seller, when))
            self.failed_table.setItem(row, 1, table_item(kind_name(entry.kind), when))
            error = redact(entry.error)
            self.failed_table.setItem(row, 2, table_item(error, error))
        owner = TeamRole(link.role) is TeamRole.OWNER
        self.invite_button.setVisible(owner)
        self.revoke_button.setVisible(owner)
        self._update_member_actions()

    def _backlog_text(self, status: TeamStatus) -> str:
        n = status.backlog.pending
        if not n:
            return self.tr("Nothing waits to be pushed")
        text = self.tr("Waiting to be pushed: %n change(s), the oldest from %1", "", n)
        return texts.plural(text, n).replace("%1", moment_text(status.backlog.oldest))

    def refresh_members(self) -> None:
        if self.status is not None:
            self._members_of = self.status.link.login
            spawn(self._load_members(), name="team-members")

    async def _load_members(self) -> None:
        self.refresh_members_button.setEnabled(False)  # until this listing ends
        try:
            members = await self.core.team.members()
        except TeamError as exc:
            self.members_problem.setText(
                self.tr(
                    "The team's server does not answer, so the members cannot be listed now; "
                    "try again when it is back."
                )
            )
            self.members_problem.setToolTip(redact(str(exc)))
            self.members_problem.show()
            self.members_table.hide()
            return
        finally:
            self.refresh_members_button.setEnabled(True)
        self.members_problem.hide()
        self.members_table.show()
        self.members = members
        self.members_table.setRowCount(len(members))
        for row, member in enumerate(members):
            self.members_table.setItem(row, 0, table_item(member.name, member.login))
            self.members_table.setItem(row, 1, table_item(role_name(member.role.value)))
            seen = texts.date_time_text(member.last_seen_at) or QCoreApplication.translate(
                "TeamTab", "never"
            )
            self.members_table.setItem(row, 2, table_item(seen))
        self._update_member_actions()
        self.members_loaded.emit()

    def selected_member(self) -> Member | None:
        rows = {index.row() for index in self.members_table.selectedIndexes()}
        return self.members[rows.pop()] if len(rows) == 1 and self.members else None

    def _update_member_actions(self) -> None:
        member = self.selected_member()
        me = self.status.link.login if self.status is not None else ""
        self.revoke_button.setEnabled(member is not None and member.login != me)

    def say(self, text: str) -> None:
        """What the last action did, above the tab's contents (as the command line prints)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _refused(self, title: str, exc: TeamError) -> None:
        show_message(self, QMessageBox.Icon.Warning, title, redact(str(exc)))

    # ----- joining and setting up ------------------------------------------------------------

    def open_join(self) -> None:
        spawn(self._join(), name="team-join")

    async def _join(self) -> None:
        dialog = self.dialog = JoinDialog(self.core, self)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        shared: int = dialog.outcome
        path = dialog.path.text().strip()
        await self._settled()
        team = self.status.link.team if self.status is not None else ""
        joined = self.tr(
            "Joined the team %1; its sellers are here now (%n local change(s) shared). "
            "The invitation %2 opens nothing any more: delete it.",
            "",
            shared,
        )
        self.say(texts.plural(joined, shared).replace("%1", team).replace("%2", path))

    def open_setup(self) -> None:
        spawn(self._setup(), name="team-setup")

    async def _setup(self) -> None:
        dialog = self.dialog = SetupDialog(self.core, self)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        shared: int = dialog.outcome
        await self._settled()
        set_up = self.tr(
            "The team is set up; this desktop is its owner and shared %n local change(s). "
            "Invite the others below.",
            "",
            shared,
        )
        self.say(texts.plural(set_up, shared))

    async def _settled(self) -> None:
        """After joining or leaving: the tab and the window show the new standing."""
        await self.reload()
        self.changed.emit()

    # ----- the owner's actions ---------------------------------------------------------------

    def open_invite(self) -> None:
        spawn(self._invite(), name="team-invite")

    async def _invite(self) -> None:
        dialog = self.dialog = InviteDialog(self.core, self)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        invitation = dialog.outcome
        self.say(
            self.tr(
                "Wrote %1 for %2 (%3), valid until %4. Tell them the passphrase another way "
                "than the file."
            )
            .replace("%1", dialog.path.text().strip())
            .replace("%2", dialog.name.text().strip())
            .replace("%3", role_name(dialog.chosen_role().value))
            .replace("%4", texts.date_time_text(invitation.expires_at))
        )
        self.refresh_members()

    async def _confirm(self, title: str, text: str, details: str, yes: str) -> bool:
        box = self.confirm_box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(details)
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        await run_dialog(box)
        confirmed = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        self.confirm_box = None
        return confirmed

    def confirm_revoke(self) -> None:
        member = self.selected_member()
        if member is not None:
            spawn(self._revoke(member), name="team-revoke")

    async def _revoke(self, member: Member) -> None:
        name = member.name
        if not await self._confirm(
            self.tr("Revoke %1?").replace("%1", name),
            self.tr(
                "%1's login is dropped from the team's server, and the team key is rotated: "
                "the sellers' tokens are sealed again under a new key that %1 does not get."
            ).replace("%1", name),
            self.tr(
                "Their desktop keeps what it pulled before. Rotate the sellers' tokens "
                "themselves too if you do not trust their copy."
            ),
            self.tr("Revoke"),
        ):
            return
        try:
            version = await self.core.team.revoke(name)
        except TeamError as exc:
            self._refused(self.tr("%1 was not revoked").replace("%1", name), exc)
            return
        self.say(
            self.tr("%1 is out of the team; the team key is now version %2.")
            .replace("%1", name)
            .replace("%2", str(version))
        )
        self.refresh_members()

    # ----- the rest --------------------------------------------------------------------------

    def retry(self) -> None:
        spawn(self._retry(), name="team-retry")

    async def _retry(self) -> None:
        count = await self.core.team.retry_failed()
        self.say(
            texts.plural(self.tr("%n refused change(s) will be pushed again.", "", count), count)
        )
        await self.reload()

    def confirm_leave(self) -> None:
        spawn(self._leave(), name="team-leave")

    async def _leave(self) -> None:
        team = self.status.link.team if self.status is not None else ""
        if not await self._confirm(
            self.tr("Leave the team?"),
            self.tr(
                "This desktop stops sharing with the team %1: it no longer pushes its syncs "
                "or pulls the others'."
            ).replace("%1", team),
            self.tr(
                "The sellers and their history stay on this desktop as its own. Joining again "
                "takes a new invitation."
            ),
            self.tr("Leave"),
        ):
            return
        try:
            await self.core.team.leave()
        except TeamError as exc:
            self._refused(self.tr("The desktop did not leave the team"), exc)
            return
        self.members, self._members_of = [], ""
        self.members_table.setRowCount(0)
        await self._settled()
        self.say(self.tr("This desktop left the team; its sellers and their history stay here."))
