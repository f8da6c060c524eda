<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>Problems</name>
    <message>
        <location filename="../../domain/problems.py" line="+164"/>
        <source>endpoint retired by the marketplace</source>
        <translation>маркетплейс отключил этот метод API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} refused {what} with 429 (too many requests) {count} times in a row; the next sync will try again</source>
        <translation>{marketplace} отклоняет запросы «{what}» с кодом 429 (слишком много запросов), отказов подряд: {count}; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{marketplace} asks to wait {wait} for {what}; the next sync will try again</source>
        <translation>{marketplace} просит подождать {wait}, прежде чем снова запрашивать «{what}»; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>the marketplace refused the request (HTTP {status}){detail}</source>
        <translation>маркетплейс отклонил запрос (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace answered with a redirect to {host}</source>
        <translation>маркетплейс ответил перенаправлением на {host}</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>{marketplace} refused the Client-Id and API key (HTTP {status}){detail}</source>
        <translation>{marketplace} не принял Client-Id и API-ключ (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace refused the token (HTTP {status}){detail}</source>
        <translation>маркетплейс не принял токен (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the marketplace failed with HTTP {status} (gave up after {attempts} attempts)</source>
        <translation>маркетплейс ответил ошибкой HTTP {status} (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer was cut off or is not JSON (gave up after {attempts} attempts)</source>
        <translation>ответ оборван или не является JSON (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer could not be decompressed (cut off or damaged) (gave up after {attempts} attempts)</source>
        <translation>ответ не удалось распаковать: он оборван или повреждён (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{marketplace} sent more than {megabytes} MB for one page of {what}, more than any real page holds; the answer was dropped and the next sync will ask again</source>
        <translation>{marketplace} прислал больше {megabytes} МБ на одну страницу «{what}» — больше, чем бывает на настоящей странице; ответ отброшен, следующая синхронизация запросит снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the marketplace did not finish its answer within {wait} (gave up after {attempts} attempts)</source>
        <translation>маркетплейс не успел передать ответ целиком за {wait} (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the marketplace did not answer in time (gave up after {attempts} attempts)</source>
        <translation>маркетплейс не ответил вовремя (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the connection failed ({detail}) (gave up after {attempts} attempts)</source>
        <translation>сбой соединения ({detail}; попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unexpected answer: field {field}: {detail}</source>
        <translation>ответ не соответствует документации: поле {field}: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unexpected answer: field (the whole answer): {detail}</source>
        <translation>ответ целиком не соответствует документации: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the marketplace answered with a redirect (HTTP {status})</source>
        <translation>маркетплейс ответил перенаправлением (HTTP {status})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>has_next without a new cursor</source>
        <translation>маркетплейс сообщает, что данные ещё есть (has_next), но не даёт нового курсора</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the stock report was {detail} by Wildberries before it could be read</source>
        <translation>Wildberries закрыл отчёт об остатках раньше, чем его удалось прочитать (статус {detail})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the stock report was not ready after {checks} checks</source>
        <translation>отчёт об остатках так и не был готов (проверок: {checks})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} credentials lack: {fields}</source>
        <translation>для {marketplace} не указаны: {fields}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token expired on {date}; create a new one in the seller&apos;s cabinet (Settings &gt; API access)</source>
        <translation>срок действия токена истёк {date}; создайте новый в личном кабинете продавца (Настройки &gt; Доступ к API)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the token is not a JWT; copy the whole token from the seller&apos;s cabinet, Settings &gt; API access</source>
        <translation>это не токен WB (не JWT); скопируйте токен целиком в личном кабинете продавца, Настройки &gt; Доступ к API</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>token lacks the {category} category</source>
        <translation>у токена нет категории {category}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sandbox token used on production: mark the tenant as sandbox or use a production token</source>
        <translation>токен песочницы используется в рабочей среде: отметьте продавца как песочницу или возьмите рабочий токен</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>production token used on the sandbox: clear the tenant&apos;s sandbox flag</source>
        <translation>рабочий токен используется в песочнице: снимите у продавца отметку «песочница»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} has no sandbox for the Seller API</source>
        <translation>у {marketplace} нет песочницы для Seller API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wildberries has no sandbox for stock on WB warehouses (FBO); only the seller&apos;s own warehouses (FBS) were read</source>
        <translation>у Wildberries нет песочницы для остатков на складах WB (FBO); прочитаны только собственные склады продавца (FBS)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wildberries has no sandbox for the {category} category</source>
        <translation>у Wildberries нет песочницы для категории {category}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wildberries has no sandbox for the seller&apos;s name</source>
        <translation>у Wildberries нет песочницы для названия продавца</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>did not finish within {wait} and was stopped; the previous snapshot was kept and the next sync will try again</source>
        <translation>не завершилась за {wait} и была остановлена; предыдущий снимок сохранён, следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cancelled; the previous snapshot was kept</source>
        <translation>отменено; предыдущий снимок сохранён</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>cancelled during the exports; the snapshot was saved</source>
        <translation>отменено во время выгрузок; снимок сохранён</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the snapshot was saved, but an export failed: {detail}</source>
        <translation>снимок сохранён, но выгрузка не удалась: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a local file or disk error: {detail}</source>
        <translation>ошибка локального файла или диска: {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unexpected error ({kind}): {detail}</source>
        <translation>непредвиденная ошибка ({kind}): {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the name is empty; give the seller a name the team recognises</source>
        <translation>название пустое; дайте продавцу название, понятное команде</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the name is longer than {limit} characters</source>
        <translation>название длиннее {limit} символов</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a tenant named {name} already exists</source>
        <translation>продавец с названием {name} уже есть</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a tenant named {name} already exists (archived; `tenants unarchive` brings it back)</source>
        <translation>продавец с названием {name} уже есть (в архиве; его можно вернуть из архива)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{what} is not valid UTF-8 text; type it again</source>
        <translation>{what} — не текст в UTF-8; введите заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>your plan ({plan}) manages {limit} sellers; archive one or upgrade (license status)</source>
        <translation>лимит продавцов вашего тарифа ({plan}) — {limit}; отправьте одного в архив или перейдите на тариф побольше (Настройки &gt; Лицензия)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>paused: your plan ({plan}) syncs {limit} sellers and this one is beyond them; its figures stay and export as before. Archive another seller or take one out of &quot;Sync all&quot;, or upgrade</source>
        <translation>приостановлен: лимит продавцов вашего тарифа ({plan}) — {limit}, и этот продавец сверх него; его данные остаются и выгружаются как прежде. Отправьте другого продавца в архив или исключите одного из «Синхр. всех», либо перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>scheduled syncs are not on your plan ({plan}); sync by hand or upgrade</source>
        <translation>синхронизации по расписанию нет в вашем тарифе ({plan}); синхронизируйте вручную или перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Google Sheets exports are not on your plan ({plan}); export to CSV or XLSX, or upgrade</source>
        <translation>выгрузки в Google Sheets нет в вашем тарифе ({plan}); выгружайте в CSV или XLSX либо перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>team mode is not on your plan ({plan}); every seller stays on this desktop. Upgrade to share them with the team</source>
        <translation>командной работы нет в вашем тарифе ({plan}); все продавцы остаются на этом компьютере. Перейдите на тариф побольше, чтобы делиться ими с командой</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{what} holds control characters (such as terminal escape codes); type it as plain text</source>
        <translation>{what} содержит управляющие символы (например, коды терминала); введите обычным текстом</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{what} holds a text-direction control (such as U+202E), which makes it show differently from how it reads; remove it</source>
        <translation>{what} содержит знак смены направления текста (например, U+202E), из-за которого текст отображается не так, как читается; уберите его</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{what} has only invisible characters; give a name the team can read</source>
        <translation>{what} состоит только из невидимых символов; дайте название, которое можно прочитать</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the notes are not valid UTF-8 text; type them again</source>
        <translation>заметки — не текст в UTF-8; введите их заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the WB token is empty</source>
        <translation>токен WB пустой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the WB token holds characters no token has; copy it again</source>
        <translation>в токене WB есть символы, которых в токенах не бывает; скопируйте его заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this is a sandbox token; mark the tenant as sandbox (--sandbox)</source>
        <translation>это токен песочницы; отметьте продавца как песочницу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this is a production token; do not mark the tenant as sandbox</source>
        <translation>это рабочий токен; не отмечайте продавца как песочницу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token expired on {date}; create a new one in the seller&apos;s cabinet (Settings &gt; API access) before the next sync</source>
        <translation>срок токена истёк {date}; до следующей синхронизации создайте новый в кабинете продавца (Настройки &gt; Доступ к API)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the token lacks the categories {categories}; syncs will fail for what they cover until a token with them is used</source>
        <translation>у токена нет категорий {categories}; синхронизация того, что к ним относится, не пройдёт, пока не будет токена с ними</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the Ozon Client-Id is a number (Seller cabinet &gt; Settings &gt; API keys)</source>
        <translation>Client-Id Ozon — это число (кабинет продавца &gt; Настройки &gt; API-ключи)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the Ozon API key should look like 1a2b3c4d-…; copy it again in full</source>
        <translation>API-ключ Ozon выглядит как 1a2b3c4d-…; скопируйте его заново целиком</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ozon has no sandbox; leave it off</source>
        <translation>у Ozon нет песочницы; не отмечайте её</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the service-account key is not JSON</source>
        <translation>ключ сервисного аккаунта — не JSON</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the service-account key is not a JSON object</source>
        <translation>ключ сервисного аккаунта — не JSON-объект</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the service-account key lacks {fields}; download a new JSON key from Google Cloud (IAM &gt; Service accounts &gt; Keys)</source>
        <translation>в ключе сервисного аккаунта нет {fields}; скачайте новый JSON-ключ в Google Cloud (IAM &gt; Сервисные аккаунты &gt; Ключи)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the JSON is not a service-account key</source>
        <translation>этот JSON — не ключ сервисного аккаунта</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>schedule mode must be one of {modes}</source>
        <translation>режим расписания должен быть одним из: {modes}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the interval must be between 15 minutes and 7 days</source>
        <translation>интервал должен быть от 15 минут до 7 дней</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a daily schedule needs at least one time, e.g. 06:00</source>
        <translation>ежедневному расписанию нужно хотя бы одно время, например 06:00</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>times must look like 06:00 or 18:30, not {time}</source>
        <translation>время записывается как 06:00 или 18:30, а не {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unknown time zone {zone}; use a name like Europe/Moscow</source>
        <translation>неизвестный часовой пояс {zone}; укажите название вроде Europe/Moscow</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a schedule is &apos;off&apos; or an object with a mode</source>
        <translation>расписание — это «off» или объект с режимом</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>system keyring ({detail})</source>
        <translation>системное хранилище ключей ({detail})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>system keyring (unknown backend)</source>
        <translation>системное хранилище ключей (тип неизвестен)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>passphrase (scrypt) in vault.json</source>
        <translation>мастер-пароль (scrypt) в файле vault.json</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the licence server address {url} uses plain http, which anyone on the way could read and change; use its https:// address (plain http is allowed only to this computer: localhost, 127.0.0.1 or ::1)</source>
        <translation>адрес сервера лицензий {url} использует обычный http, который любой на пути может прочитать и изменить; укажите его адрес https:// (обычный http разрешён только для этого компьютера: localhost, 127.0.0.1 или ::1)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the licence server address &apos;{url}&apos; is not a web address; use one that starts with https://</source>
        <translation>адрес сервера лицензий «{url}» — не веб-адрес; укажите адрес, который начинается с https://</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licensing configuration&apos;s public key is not an ed25519 key (64 hex digits); reinstall the app or contact support</source>
        <translation>открытый ключ в настройках лицензирования — не ключ ed25519 (64 шестнадцатеричные цифры); переустановите приложение или обратитесь в поддержку</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server could not be reached (the connection failed); check the internet connection and any proxy settings, then try again</source>
        <translation>не удалось связаться с сервером лицензий (сбой соединения); проверьте подключение к интернету и настройки прокси, затем попробуйте снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server could not be reached (it did not answer within {wait}); check the internet connection and any proxy settings, then try again</source>
        <translation>не удалось связаться с сервером лицензий (он не ответил за {wait}); проверьте подключение к интернету и настройки прокси, затем попробуйте снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server is busy or down (HTTP {status}); try again in a few minutes</source>
        <translation>сервер лицензий перегружен или не работает (HTTP {status}); попробуйте снова через несколько минут</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the licence server&apos;s answer could not be verified: {what}; check that this computer&apos;s date and time are right and that no proxy or antivirus rewrites its HTTPS traffic, then try again (if it keeps happening, contact support)</source>
        <translation>ответ сервера лицензий не прошёл проверку: {what}; проверьте, что дата и время на этом компьютере верны и что ни прокси, ни антивирус не подменяют его HTTPS-трафик, затем попробуйте снова (если это повторяется, обратитесь в поддержку)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this licence is already active on as many computers as its plan allows ({limit}); to free a seat, run `stock-tracker license deactivate` on the computer you no longer use, or remove that machine in the licence portal, then try again</source>
        <translation>лицензия уже активирована на стольких компьютерах, сколько позволяет её тариф ({limit}); чтобы освободить место, деактивируйте лицензию на компьютере, которым больше не пользуетесь (Настройки &gt; Лицензия или команда `stock-tracker license deactivate`), или удалите его на портале лицензий, затем попробуйте снова</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this licence is already active on as many computers as its plan allows; to free a seat, run `stock-tracker license deactivate` on the computer you no longer use, or remove that machine in the licence portal, then try again</source>
        <translation>лицензия уже активирована на стольких компьютерах, сколько позволяет её тариф; чтобы освободить место, деактивируйте лицензию на компьютере, которым больше не пользуетесь (Настройки &gt; Лицензия или команда `stock-tracker license deactivate`), или удалите его на портале лицензий, затем попробуйте снова</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the licence server refused the request (HTTP {status}){detail}; check the licence in the licence portal, or contact support</source>
        <translation>сервер лицензий отклонил запрос (HTTP {status}){detail}; проверьте лицензию на портале лицензий или обратитесь в поддержку</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server refused the request (HTTP {status}){detail}; check the licence key, and the licence&apos;s status in the licence portal</source>
        <translation>сервер лицензий отклонил запрос (HTTP {status}){detail}; проверьте ключ лицензии и её статус на портале лицензий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server refused the request (HTTP {status}){detail}; check the licence&apos;s status in the licence portal, or contact support</source>
        <translation>сервер лицензий отклонил запрос (HTTP {status}){detail}; проверьте статус лицензии на портале лицензий или обратитесь в поддержку</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the licence server refused the request (HTTP {status}){detail}; check the licence key; if this computer was removed, activate it again</source>
        <translation>сервер лицензий отклонил запрос (HTTP {status}){detail}; проверьте ключ лицензии; если этот компьютер был удалён из лицензии, активируйте его снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>this is not a machine file: it should start with {begin} and end with {end}; check that the whole file was copied</source>
        <translation>это не файл машины: он должен начинаться с {begin} и заканчиваться {end}; проверьте, что файл скопирован целиком</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the machine file is damaged; check out a new one</source>
        <translation>файл машины повреждён; получите новый на портале лицензий</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the machine file is damaged ({what} is not base64); check out a new one</source>
        <translation>файл машины повреждён ({what} — не base64); получите новый на портале лицензий</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the machine file uses {detail}, not {algorithm}; check out an encrypted one</source>
        <translation>файл машины использует {detail}, а не {algorithm}; получите на портале лицензий зашифрованный файл</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the machine file&apos;s signature is wrong: it was changed, or it was not issued by this app&apos;s licence server; check out a new one</source>
        <translation>подпись файла машины неверна: файл изменён или выдан не сервером лицензий этого приложения; получите новый на портале лицензий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the machine file belongs to another licence key or another computer; check out one for this computer with this licence</source>
        <translation>файл машины относится к другому ключу лицензии или другому компьютеру; получите на портале лицензий файл для этого компьютера и этой лицензии</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the machine file could not be read ({detail}); check out a new one</source>
        <translation>файл машины не удалось прочитать ({detail}); получите новый на портале лицензий</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the machine file expired on {date} UTC; connect to the internet so the app can check the licence, or check out a new file</source>
        <translation>срок файла машины истёк {date}; подключитесь к интернету, чтобы приложение проверило лицензию, или получите новый файл на портале лицензий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the machine file was issued after this computer&apos;s current time: the clock is wrong; set the right date and time, then try again</source>
        <translation>файл машины выдан позже, чем показывают часы этого компьютера: часы идут неверно; установите правильные дату и время, затем попробуйте снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a machine file opens with its licence key: give it with --key-env VAR</source>
        <translation>файл машины открывается ключом его лицензии: укажите ключ через --key-env VAR</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the licence key is empty; paste the whole key from the e-mail</source>
        <translation>ключ лицензии пустой; вставьте ключ из письма целиком</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the licensing service does not know this key; check that it was copied whole (from the licence e-mail or the portal)</source>
        <translation>сервис лицензий не знает этот ключ; проверьте, что он скопирован целиком (из письма с лицензией или с портала лицензий)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no licence is activated on this desktop</source>
        <translation>на этом компьютере не активирована ни одна лицензия</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{problem}; nothing was changed</source>
        <translation>{problem}; ничего не изменено</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{problem}; the licence stays on this desktop</source>
        <translation>{problem}; лицензия остаётся на этом компьютере</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{problem}; the licence stays on this desktop: try again when the service can be reached, or remove this machine in the licence portal</source>
        <translation>{problem}; лицензия остаётся на этом компьютере: попробуйте снова, когда сервис лицензий будет доступен, или удалите этот компьютер на портале лицензий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{detail} (as an earlier version of the app recorded it)</source>
        <translation>{detail} (так это записала прежняя версия приложения)</translation>
    </message>
    <message>
        <location line="+10"/>
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
        <source>warehouses</source>
        <translation>склады</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the key&apos;s roles and expiry</source>
        <translation>роли и срок действия ключа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the seller&apos;s name</source>
        <translation>название продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the token check</source>
        <translation>проверка токена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the name</source>
        <translation>название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tag {tag}</source>
        <translation>метка {tag}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>it was not signed</source>
        <translation>он не подписан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>it was not signed with ed25519</source>
        <translation>он подписан не ключом ed25519</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its signature does not cover the request and its body</source>
        <translation>его подпись не охватывает запрос и тело ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its body is not the one the server signed</source>
        <translation>его тело не то, которое подписал сервер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>it was not signed by the licence server&apos;s key</source>
        <translation>он подписан не ключом сервера лицензий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its Date is more than 5 minutes from this computer&apos;s clock</source>
        <translation>его дата (Date) расходится с часами этого компьютера больше чем на 5 минут</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>it answers another request (its nonce differs)</source>
        <translation>он отвечает на другой запрос (другой nonce)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>it is not a Keygen answer</source>
        <translation>это не ответ Keygen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its body could not be decoded</source>
        <translation>его тело не удалось декодировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>it is far larger than any licence answer</source>
        <translation>он намного больше любого ответа о лицензии</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the file</source>
        <translation>файл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the encrypted part</source>
        <translation>зашифрованная часть</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the signature</source>
        <translation>подпись</translation>
    </message>
</context>
</TS>
