<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../ui/team_dialogs.py" line="+57"/>
        <source>Talking to the team&apos;s server…</source>
        <translation>Связь с сервером команды…</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/error_dialog.py" line="+40"/>
        <source>Unexpected error</source>
        <translation>Непредвиденная ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong. Stock Tracker keeps running.</source>
        <translation>Что-то пошло не так. Stock Tracker продолжает работать.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1

If it happens again, send the details or a diagnostics export to support (Help menu).</source>
        <translation>%1

Если это повторится, отправьте подробности или файл диагностики в поддержку (меню «Справка»).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy details</source>
        <translation>Скопировать подробности</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <location filename="../../ui/home_view.py" line="+88"/>
        <location line="+4"/>
        <location line="+9"/>
        <location line="+2"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Result</source>
        <translation>Итог</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Vendor code</source>
        <translation>Артикул продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock</source>
        <translation>Остаток</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days of stock</source>
        <translation>Дней запаса</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Expires</source>
        <translation>Истекает</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Days left</source>
        <translation>Осталось дней</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next sync</source>
        <translation>Следующая синхронизация</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Last sync did not succeed</source>
        <translation>Последняя синхронизация не удалась</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Low or out of stock</source>
        <translation>Мало или нет в наличии</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens and keys expiring soon</source>
        <translation>Токены и ключи, которые скоро истекают</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next scheduled syncs</source>
        <translation>Ближайшие синхронизации по расписанию</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a seller to see here what needs you each day.</source>
        <translation>Добавьте продавца — здесь будет видно, что требует внимания каждый день.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>sellers whose last sync did not succeed</source>
        <translation>продавцов с неудачной последней синхронизацией</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>products out of stock</source>
        <translation>товаров закончилось</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>products low on stock</source>
        <translation>товаров заканчивается</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>tokens and keys expiring within %1 days</source>
        <translation>токенов и ключей истекает в ближайшие %1 дн.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>out of stock</source>
        <translation>нет в наличии</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>… and %1 more: open a seller&apos;s stock to see all.</source>
        <translation>… и ещё %1: откройте остатки продавца, чтобы увидеть все.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>expired</source>
        <translation>истёк</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <location filename="../../ui/team_dialogs.py" line="+167"/>
        <source>Invite a member</source>
        <translation>Пригласить участника</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A login on the team&apos;s server for one person, carried by an invitation file that the passphrase locks. Give them the file, and tell them the passphrase another way (by phone, say). The invitation is valid for a week.</source>
        <translation>Учётная запись на сервере команды для одного человека — в файле приглашения, закрытом паролем. Передайте человеку файл, а пароль сообщите другим путём (например, по телефону). Приглашение действует неделю.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Invite</source>
        <translation>Пригласить</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>for example ivan</source>
        <translation>например, ivan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1-30 letters a-z, digits and _, starting with a letter</source>
        <translation>1–30 латинских букв a–z, цифр и _, первой — буква</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Invitation file</source>
        <translation>Файл приглашения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Passphrase</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat the passphrase</source>
        <translation>Повторите пароль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Name:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Role:</source>
        <translation>&amp;Роль:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save to:</source>
        <translation>Сохранить в:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>R&amp;epeat:</source>
        <translation>П&amp;овтор:</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Save the invitation</source>
        <translation>Сохранить приглашение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invitations (%1)</source>
        <translation>Приглашения (%1)</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>Use at least %n characters.</source>
        <translation>
            <numerusform>Не меньше %n символа.</numerusform>
            <numerusform>Не меньше %n символов.</numerusform>
            <numerusform>Не меньше %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two passphrases differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>JoinDialog</name>
    <message>
        <location line="-173"/>
        <source>Join a team</source>
        <translation>Присоединиться к команде</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the invitation file the team&apos;s owner gave you and type the passphrase they told you. This desktop&apos;s sellers are shared with the team, and the team&apos;s sellers come here.</source>
        <translation>Выберите файл приглашения, который дал вам владелец команды, и введите пароль, который он сообщил. Продавцы этого компьютера станут общими для команды, а продавцы команды появятся здесь.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Join</source>
        <translation>Присоединиться</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Invitation file</source>
        <translation>Файл приглашения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Passphrase</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invitation file:</source>
        <translation>Файл приглашения:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose the invitation</source>
        <translation>Выберите приглашение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invitations (%1);;All files (*)</source>
        <translation>Приглашения (%1);;Все файлы (*)</translation>
    </message>
</context>
<context>
    <name>LicenceTab</name>
    <message>
        <location filename="../../ui/licence_tab.py" line="+258"/>
        <source>Plan:</source>
        <translation>Тариф:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State:</source>
        <translation>Состояние:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sellers:</source>
        <translation>Продавцы:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Features:</source>
        <translation>Возможности:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan</source>
        <translation>Тариф</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Last problem:</source>
        <translation>Последняя ошибка:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check now</source>
        <translation>Проверить сейчас</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the licensing service about the licence now</source>
        <translation>Спросить сервис лицензий о лицензии сейчас</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deactivate…</source>
        <translation>Деактивировать…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Free this desktop&apos;s seat on the licence; the Free plan applies</source>
        <translation>Освободить место этого компьютера в лицензии; начнёт действовать тариф «Бесплатный»</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Name:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires:</source>
        <translation>Действует до:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Machines:</source>
        <translation>Компьютеров:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last check:</source>
        <translation>Последняя проверка:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Licence</source>
        <translation>Лицензия</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Paste the licence key from the licence e-mail or the portal. A computer without internet takes a machine file from the portal instead.</source>
        <translation>Вставьте ключ лицензии из письма с лицензией или с портала лицензий. Компьютер без интернета вместо этого получает на портале файл машины.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Licence key</source>
        <translation>Ключ лицензии</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activate</source>
        <translation>Активировать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import machine file…</source>
        <translation>Импорт файла машины…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>For an office without internet: the file opens with the key typed above</source>
        <translation>Для офиса без интернета: файл открывается ключом, введённым выше</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Licence &amp;key:</source>
        <translation>&amp;Ключ лицензии:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Activate a licence</source>
        <translation>Активация лицензии</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Address:</source>
        <translation>Адрес:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Account:</source>
        <translation>Аккаунт:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Public key:</source>
        <translation>Открытый ключ:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only for an agency that runs its own licensing service; empty fields keep the defaults. Applies with Save.</source>
        <translation>Только для агентства со своим сервисом лицензий; пустые поля оставляют значения по умолчанию. Применяется кнопкой «Сохранить».</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Self-hosted licensing service</source>
        <translation>Свой сервис лицензий</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>(the licence holds %1)</source>
        <translation>(лицензия даёт тариф «%1»)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>never</source>
        <translation>никогда</translation>
    </message>
    <message numerus="yes">
        <location line="-4"/>
        <source>%n (team members count as machines)</source>
        <translation>
            <numerusform>%n (участники команды считаются компьютерами)</numerusform>
            <numerusform>%n (участники команды считаются компьютерами)</numerusform>
            <numerusform>%n (участники команды считаются компьютерами)</numerusform>
        </translation>
    </message>
    <message>
        <location line="-3"/>
        <source>no end date</source>
        <translation>бессрочно</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no limit</source>
        <translation>без ограничения</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>The licence was not activated: %1</source>
        <translation>Лицензия не активирована: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Activated: the %1 plan applies on this desktop.</source>
        <translation>Активировано: на этом компьютере действует тариф «%1».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import machine file</source>
        <translation>Импорт файла машины</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Machine files (*.lic);;All (*)</source>
        <translation>Файлы машины (*.lic);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Type the licence key first: the machine file opens with it.</source>
        <translation>Сначала введите ключ лицензии: файл машины открывается им.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The machine file was not imported: %1</source>
        <translation>Файл машины не импортирован: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Imported: the %1 plan applies on this desktop.</source>
        <translation>Импортировано: на этом компьютере действует тариф «%1».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 does not exist.</source>
        <translation>%1 не существует.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is a folder; choose the machine file itself.</source>
        <translation>%1 — это папка; выберите сам файл машины.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is too large to be a machine file.</source>
        <translation>%1 слишком велик для файла машины.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is not a text file, so it is no machine file.</source>
        <translation>%1 — не текстовый файл, значит, это не файл машины.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 cannot be read as a machine file.</source>
        <translation>%1 не читается как файл машины.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The licensing service was not heard: %1</source>
        <translation>Сервис лицензий не ответил: %1</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Checked with the licensing service.</source>
        <translation>Проверено сервисом лицензий.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Deactivate the licence?</source>
        <translation>Деактивировать лицензию?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This desktop&apos;s seat on the licence is freed and the Free plan applies.</source>
        <translation>Место этого компьютера в лицензии освободится, и начнёт действовать тариф «Бесплатный».</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing is deleted: sellers beyond the Free plan&apos;s limit pause their syncs, and their figures stay and export as before. The key can be activated again.</source>
        <translation>Ничего не удаляется: у продавцов сверх лимита тарифа «Бесплатный» синхронизация приостанавливается, их данные остаются и выгружаются как прежде. Ключ можно активировать снова.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deactivate</source>
        <translation>Деактивировать</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The licence was not deactivated: %1</source>
        <translation>Лицензия не деактивирована: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deactivated: the %1 plan applies on this desktop.</source>
        <translation>Деактивировано: на этом компьютере действует тариф «%1».</translation>
    </message>
</context>
<context>
    <name>LicenceTexts</name>
    <message>
        <location line="-478"/>
        <source>Free</source>
        <translation>Бесплатный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start</source>
        <translation>Старт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pro</source>
        <translation>Про</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agency</source>
        <translation>Агентство</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>scheduled syncs</source>
        <translation>синхронизация по расписанию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Google Sheets exports</source>
        <translation>выгрузка в Google Sheets</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>team mode</source>
        <translation>командная работа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>alerts</source>
        <translation>оповещения</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>syncs by hand</source>
        <translation>синхронизация вручную</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV and XLSX exports</source>
        <translation>выгрузка в CSV и XLSX</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no machine is left on it for this computer</source>
        <translation>в ней не осталось места для этого компьютера</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the licence is suspended</source>
        <translation>лицензия приостановлена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the licence has expired</source>
        <translation>срок лицензии истёк</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the licence is overdue</source>
        <translation>лицензия просрочена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the licence&apos;s owner is banned</source>
        <translation>владелец лицензии заблокирован</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this computer stopped reporting to the licensing service</source>
        <translation>этот компьютер перестал отмечаться в сервисе лицензий</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>No licence: the Free plan (%n seller(s), syncs by hand, CSV and XLSX)</source>
        <translation>
            <numerusform>Нет лицензии: тариф «Бесплатный» (%n продавец, синхронизация вручную, CSV и XLSX)</numerusform>
            <numerusform>Нет лицензии: тариф «Бесплатный» (%n продавца, синхронизация вручную, CSV и XLSX)</numerusform>
            <numerusform>Нет лицензии: тариф «Бесплатный» (%n продавцов, синхронизация вручную, CSV и XLSX)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Valid, confirmed by the licensing service</source>
        <translation>Действует, подтверждена сервисом лицензий</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Valid; the licensing service has not answered since %1: %n day(s) of grace left</source>
        <translation>
            <numerusform>Действует; сервис лицензий не отвечает с %1: льготный срок — ещё %n день</numerusform>
            <numerusform>Действует; сервис лицензий не отвечает с %1: льготный срок — ещё %n дня</numerusform>
            <numerusform>Действует; сервис лицензий не отвечает с %1: льготный срок — ещё %n дней</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>The licensing service has not answered since %1 and the %n day(s) of grace are over: the Free plan applies. Connect to the internet and check now</source>
        <translation>
            <numerusform>Сервис лицензий не отвечает с %1, льготный срок (%n день) истёк: действует тариф «Бесплатный». Подключитесь к интернету и проверьте лицензию</numerusform>
            <numerusform>Сервис лицензий не отвечает с %1, льготный срок (%n дня) истёк: действует тариф «Бесплатный». Подключитесь к интернету и проверьте лицензию</numerusform>
            <numerusform>Сервис лицензий не отвечает с %1, льготный срок (%n дней) истёк: действует тариф «Бесплатный». Подключитесь к интернету и проверьте лицензию</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The computer&apos;s clock was turned back; connect to the internet to confirm the licence (the Free plan applies until then)</source>
        <translation>Часы компьютера переведены назад; подключитесь к интернету, чтобы подтвердить лицензию (до тех пор действует тариф «Бесплатный»)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not valid: %1. The Free plan applies; see the licence portal or activate another key</source>
        <translation>Не действует: %1. Действует тариф «Бесплатный»; загляните на портал лицензий или активируйте другой ключ</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid by a machine file until %1 (this computer does not ask the licensing service)</source>
        <translation>Действует по файлу машины до %1 (этот компьютер не обращается к сервису лицензий)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The machine file ended on %1: the Free plan applies. Import a new one from the licence portal</source>
        <translation>Срок файла машины закончился %1: действует тариф «Бесплатный». Импортируйте новый с портала лицензий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 of %2</source>
        <translation>%1 из %2</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n paused: beyond the plan&apos;s limit, their syncs wait</source>
        <translation>
            <numerusform>%n приостановлен: сверх лимита тарифа, синхронизация ждёт</numerusform>
            <numerusform>%n приостановлены: сверх лимита тарифа, синхронизация ждёт</numerusform>
            <numerusform>%n приостановлены: сверх лимита тарифа, синхронизация ждёт</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Licence offline: %n day(s) of grace left</source>
        <translation>
            <numerusform>Лицензия без связи: льготный срок — ещё %n день</numerusform>
            <numerusform>Лицензия без связи: льготный срок — ещё %n дня</numerusform>
            <numerusform>Лицензия без связи: льготный срок — ещё %n дней</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The licence does not hold: the Free plan applies</source>
        <translation>Лицензия не действует: действует тариф «Бесплатный»</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n seller(s) paused by the plan&apos;s limit</source>
        <translation>
            <numerusform>%n продавец приостановлен лимитом тарифа</numerusform>
            <numerusform>%n продавца приостановлены лимитом тарифа</numerusform>
            <numerusform>%n продавцов приостановлены лимитом тарифа</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+94"/>
        <source>Stock Tracker</source>
        <translation>Stock Tracker</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sellers</source>
        <translation>Продавцы</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stock</source>
        <translation>Остатки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a seller</source>
        <translation>Добавить продавца</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit the selected seller</source>
        <translation>Изменить выбранного продавца</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check</source>
        <translation>Проверить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the selected sellers&apos; connection</source>
        <translation>Проверить подключение выбранных продавцов</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sync</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync the selected sellers now</source>
        <translation>Синхронизировать выбранных продавцов сейчас</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sync all</source>
        <translation>Синхр. всех</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sync every active seller now</source>
        <translation>Синхронизировать всех активных продавцов сейчас</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the selected syncs (or all of them)</source>
        <translation>Отменить выбранные синхронизации (или все)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the selected sellers&apos; stock to a file</source>
        <translation>Выгрузить остатки выбранных продавцов в файл</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+111"/>
        <source>Archive</source>
        <translation>В архив</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Archive or restore the selected sellers</source>
        <translation>Отправить в архив или вернуть выбранных продавцов</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload the lists</source>
        <translation>Перечитать списки</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule, limits, language and security</source>
        <translation>Расписание, лимиты, язык и безопасность</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+435"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <location line="-434"/>
        <source>Quit Stock Tracker</source>
        <translation>Закрыть Stock Tracker</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Main</source>
        <translation>Основная</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open logs folder</source>
        <translation>Открыть папку журналов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export diagnostics…</source>
        <translation>Сохранить диагностику…</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+29"/>
        <source>About Stock Tracker</source>
        <translation>О программе Stock Tracker</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Export diagnostics</source>
        <translation>Сохранить диагностику</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Diagnostics written to %1</source>
        <translation>Диагностика сохранена в %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stock Tracker %1
Stock, orders and days of stock for Wildberries and Ozon sellers.</source>
        <translation>Stock Tracker %1
Остатки, заказы и дни запаса для продавцов Wildberries и Ozon.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Restore</source>
        <translation>Вернуть</translation>
    </message>
    <message numerus="yes">
        <location line="+46"/>
        <source>%n seller(s)</source>
        <translation>
            <numerusform>%n продавец</numerusform>
            <numerusform>%n продавца</numerusform>
            <numerusform>%n продавцов</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>Team server away since %1 — %n change(s) waiting</source>
        <translation>
            <numerusform>Сервер команды недоступен с %1 — %n изменение ждёт отправки</numerusform>
            <numerusform>Сервер команды недоступен с %1 — %n изменения ждут отправки</numerusform>
            <numerusform>Сервер команды недоступен с %1 — %n изменений ждут отправки</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Team server away since %1</source>
        <translation>Сервер команды недоступен с %1</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Team: %n change(s) to push</source>
        <translation>
            <numerusform>Команда: %n изменение к отправке</numerusform>
            <numerusform>Команда: %n изменения к отправке</numerusform>
            <numerusform>Команда: %n изменений к отправке</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Team: up to date</source>
        <translation>Команда: всё актуально</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n refused</source>
        <translation>
            <numerusform>отклонено: %n</numerusform>
            <numerusform>отклонено: %n</numerusform>
            <numerusform>отклонено: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Not synced</source>
        <translation>Не синхронизировано</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Not synced: %n seller(s).</source>
        <translation>
            <numerusform>Не синхронизирован %n продавец.</numerusform>
            <numerusform>Не синхронизированы %n продавца.</numerusform>
            <numerusform>Не синхронизированы %n продавцов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+66"/>
        <source>%1 of %2 synced</source>
        <translation>Готово %1 из %2</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Checking %1…</source>
        <translation>Проверяем %1…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the connection works</source>
        <translation>%1: подключение работает</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: the connection has problems</source>
        <translation>%1: с подключением проблемы</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connection check</source>
        <translation>Проверка подключения</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>CSV file…</source>
        <translation>Файл CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel file (XLSX)…</source>
        <translation>Файл Excel (XLSX)…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export stock</source>
        <translation>Выгрузка остатков</translation>
    </message>
    <message>
        <location line="-298"/>
        <location line="+310"/>
        <source>Export failed</source>
        <translation>Выгрузка не удалась</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exported to %1</source>
        <translation>Выгружено в %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The master key was rotated</source>
        <translation>Мастер-ключ сменён</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Key rotated</source>
        <translation>Ключ сменён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The master key was rotated; the app goes on under it.</source>
        <translation>Мастер-ключ сменён; приложение продолжает работу с новым ключом.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A backup of the database from before: %1</source>
        <translation>Резервная копия базы до смены: %1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Stock Tracker keeps running</source>
        <translation>Stock Tracker продолжает работать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Syncs go on in the tray. Quit from the tray menu.</source>
        <translation>Синхронизация идёт в фоне. Выйти можно из меню в трее.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Quit? Syncs in progress will be cancelled.</source>
        <translation>Выйти? Идущие синхронизации будут отменены.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit Stock Tracker?</source>
        <translation>Закрыть Stock Tracker?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Scheduled syncs run only while the app is open.</source>
        <translation>Синхронизация по расписанию работает, только пока приложение открыто.</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../ui/passphrase_dialog.py" line="+35"/>
        <source>Choose a master passphrase</source>
        <translation>Придумайте мастер-пароль</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unlock Stock Tracker</source>
        <translation>Разблокировать Stock Tracker</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Passphrase</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat the passphrase</source>
        <translation>Повторите пароль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Repeat:</source>
        <translation>П&amp;овтор:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Caps Lock is on.</source>
        <translation>Включён Caps Lock.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Create</source>
        <translation>Создать</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unlock</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This computer has no secure system keyring, so Stock Tracker protects the sellers&apos; API tokens and its database with a passphrase you choose now. It is asked for at every start.

Without it nobody, not even you, can open the data: keep it in a password manager and export a recovery file from Settings.</source>
        <translation>На этом компьютере нет защищённого системного хранилища ключей, поэтому Stock Tracker защищает API-токены продавцов и свою базу данных паролем, который вы сейчас придумаете. Его будут спрашивать при каждом запуске.

Без него данные не откроет никто, даже вы: сохраните пароль в менеджере паролей и выгрузите файл восстановления в настройках.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter the master passphrase that protects this computer&apos;s data.</source>
        <translation>Введите мастер-пароль, которым защищены данные на этом компьютере.</translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>Use at least %n characters.</source>
        <translation>
            <numerusform>Не меньше %n символа.</numerusform>
            <numerusform>Не меньше %n символов.</numerusform>
            <numerusform>Не меньше %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two passphrases differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../ui/problem_texts.py" line="+64"/>
        <source>more than a year</source>
        <translation>больше года</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{days} days</source>
        <translation>{days} дн.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{minutes} min</source>
        <translation>{minutes} мин</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{hours} h</source>
        <translation>{hours} ч</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} ч {minutes} мин</translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <location filename="../../ui/progress_delegate.py" line="+33"/>
        <source>%1: %2 rows</source>
        <translation>%1: %2 строк</translation>
    </message>
</context>
<context>
    <name>ScheduleEditor</name>
    <message>
        <location filename="../../ui/schedule_editor.py" line="+29"/>
        <source>Schedule</source>
        <translation>Расписание</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>As in Settings</source>
        <translation>Как в настройках</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Off</source>
        <translation>Выключено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every N hours</source>
        <translation>Каждые N часов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At times of day</source>
        <translation>В заданное время</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Interval in hours</source>
        <translation>Интервал в часах</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Times of day, separated by commas, e.g. 06:00, 18:00</source>
        <translation>Время через запятую, например 06:00, 18:00</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Times of day</source>
        <translation>Время запуска</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <location filename="../../ui/secret_field.py" line="+22"/>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show or hide what is typed</source>
        <translation>Показать или скрыть введённое</translation>
    </message>
</context>
<context>
    <name>ServiceField</name>
    <message>
        <location filename="../../ui/licence_tab.py" line="+16"/>
        <source>Default: %1</source>
        <translation>По умолчанию: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set by %1 in the environment; change it there</source>
        <translation>Задано переменной окружения %1; меняйте его там</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="+93"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>How many sellers sync at the same time</source>
        <translation>Сколько продавцов синхронизируется одновременно</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Days of orders that days of stock are based on</source>
        <translation>За сколько дней заказов считать дни запаса</translation>
    </message>
    <message>
        <location line="+13"/>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>When a marketplace asks to wait longer than this, the sync of that seller stops and the next run tries again</source>
        <translation>Если маркетплейс просит подождать дольше, синхронизация этого продавца останавливается, а следующий запуск попробует снова</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Schedule:</source>
        <translation>&amp;Расписание:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sellers at &amp;once:</source>
        <translation>&amp;Одновременно продавцов:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Order window:</source>
        <translation>Период &amp;заказов:</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>A product is low on stock when it has this many days of stock or fewer, or none left while it has orders</source>
        <translation>Товар заканчивается, когда запаса на столько дней или меньше либо он закончился при наличии заказов</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;Low stock at:</source>
        <translation>&amp;Мало остатков при запасе на:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Longest &amp;wait for a marketplace:</source>
        <translation>Самое долгое &amp;ожидание маркетплейса:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Syncing</source>
        <translation>Синхронизация</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A new language applies after a restart.</source>
        <translation>Новый язык применится после перезапуска.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start with the system</source>
        <translation>Запускать вместе с системой</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep syncing in the tray when the window closes</source>
        <translation>При закрытии окна продолжать работу в трее</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This desktop has no system tray: closing the window quits the app</source>
        <translation>В этой системе нет трея: закрытие окна завершает приложение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>L&amp;anguage:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Application</source>
        <translation>Приложение</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>General</source>
        <translation>Общие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Licence</source>
        <translation>Лицензия</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source> day(s)</source>
        <translation>
            <numerusform> день</numerusform>
            <numerusform> дня</numerusform>
            <numerusform> дней</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source> day(s) or less</source>
        <translation>
            <numerusform> день или меньше</numerusform>
            <numerusform> дня или меньше</numerusform>
            <numerusform> дней или меньше</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Rotate key…</source>
        <translation>Сменить ключ…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new master key: the database and every token are re-encrypted</source>
        <translation>Новый мастер-ключ: база данных и все токены будут перешифрованы</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export recovery file…</source>
        <translation>Файл восстановления…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A file, locked by its own passphrase, that opens this data on another computer</source>
        <translation>Файл со своим паролем, с которым эти данные можно открыть на другом компьютере</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Master key kept in:</source>
        <translation>Мастер-ключ хранится:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Security</source>
        <translation>Безопасность</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Data folder</source>
        <translation>Папка данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open logs folder</source>
        <translation>Открыть папку журналов</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Data folder:</source>
        <translation>Папка данных:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Files</source>
        <translation>Файлы</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Start with the system: %1</source>
        <translation>Запуск вместе с системой: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rotate the master key?</source>
        <translation>Сменить мастер-ключ?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running syncs are cancelled, the database and every token are re-encrypted under a new key (a backup is taken first); then the app goes on under it.</source>
        <translation>Идущие синхронизации отменяются, база и все токены перешифровываются новым ключом (сначала делается резервная копия); затем приложение продолжает работу с ним.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Export recovery file</source>
        <translation>Файл восстановления</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recovery files (*.json)</source>
        <translation>Файлы восстановления (*.json)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Protect the recovery file</source>
        <translation>Пароль для файла восстановления</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a passphrase for the recovery file. Anyone with the file and this passphrase can read this computer&apos;s data: keep them apart.</source>
        <translation>Придумайте пароль для файла восстановления. Тот, у кого есть и файл, и пароль, сможет прочитать данные этого компьютера: храните их отдельно.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Recovery file not written</source>
        <translation>Файл восстановления не записан</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recovery file written</source>
        <translation>Файл восстановления записан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved to %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The key was not rotated</source>
        <translation>Ключ не заменён</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>another program</source>
        <translation>другая программа</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Other programs use this installation: %1. Stop them or wait, then rotate again.</source>
        <translation>Эту установку используют другие программы: %1. Остановите их или дождитесь окончания, затем замените ключ снова.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the daemon</source>
        <translation>фоновая служба (daemon)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the window</source>
        <translation>окно приложения</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (pid %2) is syncing sellers: %3</source>
        <translation>%1 (pid %2) синхронизирует продавцов: %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (pid %2) has it open</source>
        <translation>%1 (pid %2) держит её открытой</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../ui/team_dialogs.py" line="+19"/>
        <source>Set up a team</source>
        <translation>Создать команду</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>For the agency&apos;s owner, once: the team&apos;s tables and roles are made on a PostgreSQL database, and this desktop joins the team as its owner. The connection string names a login that may create roles; it serves the set-up only and is not kept.</source>
        <translation>Для владельца агентства, один раз: в базе данных PostgreSQL создаются таблицы и роли команды, и этот компьютер входит в команду как её владелец. Строка подключения называет учётную запись, которой можно создавать роли; она нужна только для создания команды и не сохраняется.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Set up</source>
        <translation>Создать</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connection string</source>
        <translation>Строка подключения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>postgresql://LOGIN:PASSWORD@HOST:5432/DATABASE</source>
        <translation>postgresql://ЛОГИН:ПАРОЛЬ@СЕРВЕР:5432/БАЗА</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A connection string or URI. A server on another computer needs sslmode=verify-full, and sslrootcert= its CA&apos;s file unless the system trusts it.</source>
        <translation>Строка подключения или URI. Серверу на другом компьютере нужен sslmode=verify-full, а также sslrootcert= с файлом его центра сертификации, если система ему не доверяет.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>for example olga</source>
        <translation>например, olga</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1-30 letters a-z, digits and _, starting with a letter: it names your login</source>
        <translation>1–30 латинских букв a–z, цифр и _, первой — буква: так будет названа ваша учётная запись</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the database&apos;s name</source>
        <translation>имя базы данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Connection string:</source>
        <translation>&amp;Строка подключения:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Your name:</source>
        <translation>&amp;Ваше имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Team&apos;s name:</source>
        <translation>&amp;Название команды:</translation>
    </message>
</context>
<context>
    <name>TeamTab</name>
    <message>
        <location filename="../../ui/team_words.py" line="+30"/>
        <source>Viewer</source>
        <translation>Наблюдатель</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admin</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>Владелец</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sees every seller, its figures and its history; syncs nothing.</source>
        <translation>Видит всех продавцов, их показатели и историю; ничего не синхронизирует.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Also syncs the sellers (their tokens are shared with them).</source>
        <translation>Также синхронизирует продавцов (ему доступны их токены).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Also adds, edits, archives and deletes sellers.</source>
        <translation>Также добавляет, изменяет, архивирует и удаляет продавцов.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Seller&apos;s details</source>
        <translation>Данные продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync run</source>
        <translation>Запуск синхронизации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock figures</source>
        <translation>Показатели остатков</translation>
    </message>
    <message>
        <location filename="../../ui/team_tab.py" line="+308"/>
        <location line="+4"/>
        <location line="+62"/>
        <location filename="../../ui/team_words.py" line="+8"/>
        <source>never</source>
        <translation>никогда</translation>
    </message>
    <message>
        <location line="-221"/>
        <source>This desktop works on its own. In a team, the agency&apos;s desktops share their sellers, current figures and sync history through one PostgreSQL server, and no seller is synced by two desktops at once. Each desktop keeps its own copy and goes on syncing while the server is away.</source>
        <translation>Этот компьютер работает сам по себе. В команде компьютеры агентства делят продавцов, их текущие показатели и историю синхронизаций через один сервер PostgreSQL, и ни один продавец не синхронизируется на двух компьютерах сразу. У каждого компьютера остаётся своя копия, и он продолжает синхронизировать, пока сервер недоступен.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Join with an invitation…</source>
        <translation>Присоединиться по приглашению…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With the invitation file the team&apos;s owner gave you</source>
        <translation>С файлом приглашения от владельца команды</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set up a team…</source>
        <translation>Создать команду…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>For the agency&apos;s owner: make the team on a PostgreSQL database</source>
        <translation>Для владельца агентства: создать команду в базе данных PostgreSQL</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Server away:</source>
        <translation>Сервер недоступен:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Team:</source>
        <translation>Команда:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server:</source>
        <translation>Сервер:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your login:</source>
        <translation>Ваша учётная запись:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your role:</source>
        <translation>Ваша роль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last push:</source>
        <translation>Последняя отправка:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last pull:</source>
        <translation>Последнее получение:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backlog:</source>
        <translation>Очередь:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This desktop in the team</source>
        <translation>Этот компьютер в команде</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Change</source>
        <translation>Изменение</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push the refused changes again</source>
        <translation>Отправить отклонённые изменения ещё раз</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Changes the server refused</source>
        <translation>Изменения, отклонённые сервером</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last seen</source>
        <translation>Последний раз в сети</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the team&apos;s server who is in the team</source>
        <translation>Спросить у сервера команды, кто в команде</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invite…</source>
        <translation>Пригласить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A login and an invitation file for one person</source>
        <translation>Учётная запись и файл приглашения для одного человека</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revoke…</source>
        <translation>Исключить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drop the selected member&apos;s login and rotate the team key</source>
        <translation>Удалить учётную запись выбранного участника и сменить ключ команды</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Members</source>
        <translation>Участники</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leave the team…</source>
        <translation>Выйти из команды…</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>since %1: %2</source>
        <translation>с %1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Refused at %1</source>
        <translation>Отклонено %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(a seller deleted since)</source>
        <translation>(продавец с тех пор удалён)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Nothing waits to be pushed</source>
        <translation>Отправлять нечего</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Waiting to be pushed: %n change(s), the oldest from %1</source>
        <translation>
            <numerusform>К отправке: %n изменение, самое раннее — от %1</numerusform>
            <numerusform>К отправке: %n изменения, самое раннее — от %1</numerusform>
            <numerusform>К отправке: %n изменений, самое раннее — от %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The team&apos;s server does not answer, so the members cannot be listed now; try again when it is back.</source>
        <translation>Сервер команды не отвечает, поэтому список участников сейчас недоступен; попробуйте снова, когда сервер вернётся.</translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>Joined the team %1; its sellers are here now (%n local change(s) shared). The invitation %2 opens nothing any more: delete it.</source>
        <translation>
            <numerusform>Вы в команде %1; её продавцы теперь здесь (передано %n местное изменение). Приглашение %2 больше ничего не открывает: удалите его.</numerusform>
            <numerusform>Вы в команде %1; её продавцы теперь здесь (передано %n местных изменения). Приглашение %2 больше ничего не открывает: удалите его.</numerusform>
            <numerusform>Вы в команде %1; её продавцы теперь здесь (передано %n местных изменений). Приглашение %2 больше ничего не открывает: удалите его.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>The team is set up; this desktop is its owner and shared %n local change(s). Invite the others below.</source>
        <translation>
            <numerusform>Команда создана; этот компьютер — её владелец и передал %n местное изменение. Пригласите остальных ниже.</numerusform>
            <numerusform>Команда создана; этот компьютер — её владелец и передал %n местных изменения. Пригласите остальных ниже.</numerusform>
            <numerusform>Команда создана; этот компьютер — её владелец и передал %n местных изменений. Пригласите остальных ниже.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Wrote %1 for %2 (%3), valid until %4. Tell them the passphrase another way than the file.</source>
        <translation>Записан файл %1 для %2 (%3), действует до %4. Пароль сообщите не тем путём, которым передаёте файл.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Revoke %1?</source>
        <translation>Исключить %1?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1&apos;s login is dropped from the team&apos;s server, and the team key is rotated: the sellers&apos; tokens are sealed again under a new key that %1 does not get.</source>
        <translation>Учётная запись %1 удаляется с сервера команды, а ключ команды меняется: токены продавцов заново шифруются новым ключом, которого у %1 не будет.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Their desktop keeps what it pulled before. Rotate the sellers&apos; tokens themselves too if you do not trust their copy.</source>
        <translation>На компьютере участника остаётся то, что он получил раньше. Если вы не доверяете этой копии, смените и сами токены продавцов.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Revoke</source>
        <translation>Исключить</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 was not revoked</source>
        <translation>Участник %1 не исключён</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is out of the team; the team key is now version %2.</source>
        <translation>%1 больше не в команде; ключ команды теперь версии %2.</translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>%n refused change(s) will be pushed again.</source>
        <translation>
            <numerusform>%n отклонённое изменение будет отправлено снова.</numerusform>
            <numerusform>%n отклонённых изменения будут отправлены снова.</numerusform>
            <numerusform>%n отклонённых изменений будут отправлены снова.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Leave the team?</source>
        <translation>Выйти из команды?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This desktop stops sharing with the team %1: it no longer pushes its syncs or pulls the others&apos;.</source>
        <translation>Этот компьютер перестаёт работать с командой %1: он больше не отправляет свои синхронизации и не получает чужие.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The sellers and their history stay on this desktop as its own. Joining again takes a new invitation.</source>
        <translation>Продавцы и их история остаются на этом компьютере как его собственные. Чтобы вернуться в команду, нужно новое приглашение.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leave</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The desktop did not leave the team</source>
        <translation>Компьютер не вышел из команды</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This desktop left the team; its sellers and their history stay here.</source>
        <translation>Этот компьютер вышел из команды; его продавцы и их история остаются здесь.</translation>
    </message>
</context>
<context>
    <name>TenantEditor</name>
    <message>
        <location filename="../../ui/tenant_editor.py" line="+94"/>
        <source>Edit %1</source>
        <translation>Изменить: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add a seller</source>
        <translation>Добавить продавца</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Account</source>
        <translation>Аккаунт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule and export</source>
        <translation>Расписание и выгрузка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes and tags</source>
        <translation>Заметки и метки</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>How the team calls this shop</source>
        <translation>Как команда называет этот магазин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Marketplace</source>
        <translation>Маркетплейс</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include in &quot;Sync all&quot; and scheduled syncs</source>
        <translation>Участвует в «Синхр. всех» и в синхронизации по расписанию</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>WB API token</source>
        <translation>API-токен WB</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Seller cabinet &gt; Settings &gt; API access: a read-only token with Content, Analytics, Marketplace and Statistics</source>
        <translation>Личный кабинет продавца &gt; Настройки &gt; Доступ к API: токен только на чтение с категориями Контент, Аналитика, Маркетплейс и Статистика</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sandbox token (test environment)</source>
        <translation>Токен песочницы (тестовая среда)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Client-Id</source>
        <translation>Client-Id</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>API key</source>
        <translation>API-ключ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seller cabinet &gt; Settings &gt; Seller API</source>
        <translation>Личный кабинет продавца &gt; Настройки &gt; Seller API</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unchanged; type to replace</source>
        <translation>Без изменений; введите, чтобы заменить</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask the marketplace which data this key opens and whose shop it is</source>
        <translation>Узнать у маркетплейса, к каким данным открывает доступ ключ и чей это магазин</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Marketplace:</source>
        <translation>&amp;Маркетплейс:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Token:</source>
        <translation>&amp;Токен:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Client-Id:</source>
        <translation>&amp;Client-Id:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>API &amp;key:</source>
        <translation>API-&amp;ключ:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Sheet id or its link</source>
        <translation>ID таблицы или ссылка на неё</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Google Sheet</source>
        <translation>Google Таблица</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test access</source>
        <translation>Проверить доступ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the sheet with the service account, without writing anything</source>
        <translation>Открыть таблицу сервисным аккаунтом, ничего не записывая</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Load key file…</source>
        <translation>Загрузить ключ…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The Google service account&apos;s JSON key; it is kept encrypted in the vault</source>
        <translation>JSON-ключ сервисного аккаунта Google; хранится зашифрованным в хранилище</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Folder for CSV/XLSX files</source>
        <translation>Папка для файлов CSV/XLSX</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+54"/>
        <source>Export folder</source>
        <translation>Папка выгрузки</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel (XLSX)</source>
        <translation>Excel (XLSX)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Schedule:</source>
        <translation>&amp;Расписание:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Syncing</source>
        <translation>Синхронизация</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Google Sheet:</source>
        <translation>&amp;Google Таблица:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Service account:</source>
        <translation>Сервисный аккаунт:</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Export &amp;folder:</source>
        <translation>&amp;Папка выгрузки:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>File formats:</source>
        <translation>Форматы файлов:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exports</source>
        <translation>Выгрузки</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>e.g. kids, Moscow team</source>
        <translation>например: детское, команда Москва</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comma-separated; the tenants list can filter by tag</source>
        <translation>Через запятую; по меткам можно фильтровать список продавцов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>Метки</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Notes</source>
        <translation>Заметки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>T&amp;ags:</source>
        <translation>&amp;Метки:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N&amp;otes:</source>
        <translation>&amp;Заметки:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Service account key</source>
        <translation>Ключ сервисного аккаунта</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON key (*.json)</source>
        <translation>JSON-ключ (*.json)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Key loaded; it is saved with the seller.</source>
        <translation>Ключ загружен; он сохранится вместе с продавцом.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 does not exist.</source>
        <translation>%1 не существует.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is a folder; choose the key file itself.</source>
        <translation>%1 — папка; выберите сам файл ключа.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is not a regular file (a device or a pipe).</source>
        <translation>%1 — не обычный файл (устройство или канал).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 cannot be read; check its permissions.</source>
        <translation>%1 не удаётся прочитать; проверьте права доступа к нему.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is too large to be a service-account key.</source>
        <translation>%1 слишком велик для ключа сервисного аккаунта.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 can be read by other users; protect it first.</source>
        <translation>%1 могут читать другие пользователи; сначала закройте к нему доступ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is not a text file, so it is no JSON key.</source>
        <translation>%1 — не текстовый файл, а значит, не JSON-ключ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is neither UTF-8 nor Windows-1251 text.</source>
        <translation>%1 — текст не в UTF-8 и не в Windows-1251.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Opening the sheet…</source>
        <translation>Открываем таблицу…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Access works: “%1”.</source>
        <translation>Доступ есть: «%1».</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Seller: %1</source>
        <translation>Продавец: %1</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Checking…</source>
        <translation>Проверяем…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Connection works.</source>
        <translation>Подключение работает.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The marketplace refused these credentials.</source>
        <translation>Маркетплейс отклонил эти данные для входа.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Save refused credentials?</source>
        <translation>Сохранить отклонённые данные для входа?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The marketplace refused these credentials at the connection check, so every sync of this seller will fail until they are replaced.</source>
        <translation>Маркетплейс отклонил эти данные для входа при проверке подключения: все синхронизации этого продавца будут завершаться ошибкой, пока их не заменят.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save anyway</source>
        <translation>Всё равно сохранить</translation>
    </message>
</context>
<context>
    <name>TenantsModel</name>
    <message>
        <location filename="../../ui/tenants_model.py" line="+137"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Marketplace</source>
        <translation>Маркетплейс</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last sync</source>
        <translation>Последняя синхр.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Products</source>
        <translation>Товары</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Low stock</source>
        <translation>Мало остатка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token, days</source>
        <translation>Токен, дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next sync</source>
        <translation>Следующая синхр.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source> (archived)</source>
        <translation> (в архиве)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (sandbox)</source>
        <translation> (песочница)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>never</source>
        <translation>не было</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>expired</source>
        <translation>истёк</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused: beyond the plan&apos;s limit</source>
        <translation>Приостановлен: сверх лимита тарифа</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>disabled</source>
        <translation>выключен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not scheduled</source>
        <translation>не запланирована</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Seller in the cabinet: %1</source>
        <translation>Продавец в кабинете: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags: %1</source>
        <translation>Метки: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The token expires on %1</source>
        <translation>Токен истекает %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The plan syncs fewer sellers than there are, so this one waits; its figures stay and export as before. Archive another seller, take one out of &quot;Sync all&quot; or upgrade the plan (Settings &gt; Licence).</source>
        <translation>Тариф синхронизирует меньше продавцов, чем их есть, поэтому этот ждёт; его данные остаются и выгружаются как прежде. Отправьте другого продавца в архив, исключите одного из «Синхр. всех» или перейдите на тариф побольше (Настройки &gt; Лицензия).</translation>
    </message>
</context>
<context>
    <name>TenantsView</name>
    <message>
        <location filename="../../ui/tenants_view.py" line="+87"/>
        <source>Filter by name, tag or notes</source>
        <translation>Поиск по названию, метке или заметкам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tag</source>
        <translation>Метка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only the sellers with this tag</source>
        <translation>Показать только продавцов с этой меткой</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show archived</source>
        <translation>Показать архив</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>All tags</source>
        <translation>Все метки</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../ui/texts.py" line="+22"/>
        <source>Wildberries</source>
        <translation>Wildberries</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ozon</source>
        <translation>Ozon</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Never synced</source>
        <translation>Ещё не синхронизирован</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Running</source>
        <translation>Идёт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Succeeded</source>
        <translation>Успешно</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Partly succeeded</source>
        <translation>Частично</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>Отменено</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Interrupted</source>
        <translation>Прервано</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>waiting</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>products</source>
        <translation>товары</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stock</source>
        <translation>остатки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>orders</source>
        <translation>заказы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>saving</source>
        <translation>сохранение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>exports</source>
        <translation>выгрузки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sync as a whole</source>
        <translation>синхронизация целиком</translation>
    </message>
    <message>
        <location filename="../../ui/problem_texts.py" line="-41"/>
        <source>Seller: %1</source>
        <translation>Продавец: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Works: %1</source>
        <translation>Доступно: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Missing: %1</source>
        <translation>Нет доступа: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Token valid until %1</source>
        <translation>Токен действует до %1</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="+28"/>
        <source>No sync since the start</source>
        <translation>С запуска синхронизаций не было</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sync all now</source>
        <translation>Синхронизировать всех сейчас</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open window</source>
        <translation>Открыть окно</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Sync failed</source>
        <translation>Синхронизация не удалась</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Running low on stock</source>
        <translation>Заканчиваются остатки</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%1: %n product(s) newly low on stock</source>
        <translation>
            <numerusform>%1: у %n товара заканчивается остаток</numerusform>
            <numerusform>%1: у %n товаров заканчивается остаток</numerusform>
            <numerusform>%1: у %n товаров заканчивается остаток</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>Syncing %n seller(s)</source>
        <translation>
            <numerusform>Синхронизируется %n продавец</numerusform>
            <numerusform>Синхронизируются %n продавца</numerusform>
            <numerusform>Синхронизируются %n продавцов</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last sync failed: %1</source>
        <translation>Последняя синхронизация не удалась: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Idle</source>
        <translation>Ожидание</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next sync: %1</source>
        <translation>Следующая синхронизация: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not scheduled</source>
        <translation>не запланирована</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last result: %1</source>
        <translation>Последний результат: %1</translation>
    </message>
</context>
<context>
    <name>Unlock</name>
    <message>
        <location filename="../../ui/unlock.py" line="+41"/>
        <source>Stock Tracker cannot start</source>
        <translation>Stock Tracker не может запуститься</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The data in %1 cannot be opened.</source>
        <translation>Не удаётся открыть данные в %1.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>That passphrase is wrong. Check Caps Lock and the keyboard layout.</source>
        <translation>Пароль неверный. Проверьте Caps Lock и раскладку клавиатуры.</translation>
    </message>
</context>
</TS>
