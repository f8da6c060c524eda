<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>Problems</name>
    <message>
        <location filename="../../domain/problems.py" line="+69"/>
        <source>the marketplace refused the credentials: {detail}</source>
        <translation>маркетплейс отклонил ключ доступа: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>endpoint retired by the marketplace</source>
        <translation>маркетплейс отключил этот метод API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} refused {what} with 429 (too many requests) {count} times in a row; the next sync will try again</source>
        <translation>{marketplace} отказал в запросе «{what}» с кодом 429 (слишком много запросов) {count} раз подряд; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{marketplace} asks to wait {wait} for {what}; the next sync will try again</source>
        <translation>{marketplace} просит подождать {wait} перед запросом «{what}»; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace failed with HTTP {status}</source>
        <translation>маркетплейс ответил ошибкой HTTP {status}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer was cut off or is not JSON</source>
        <translation>ответ оборван или не является JSON</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer could not be decompressed (cut off or damaged)</source>
        <translation>ответ не удалось распаковать (оборван или повреждён)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer was larger than {limit}, more than this method ever sends</source>
        <translation>ответ больше {limit} — этот метод таких не присылает</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace did not finish its answer within {wait}</source>
        <translation>маркетплейс не закончил ответ за {wait}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace did not answer in time</source>
        <translation>маркетплейс не ответил вовремя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the connection failed ({detail})</source>
        <translation>соединение не удалось ({detail})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer does not have the documented shape: {detail}</source>
        <translation>ответ не соответствует документации: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace refused the request (HTTP {status}){detail}</source>
        <translation>маркетплейс отклонил запрос (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace answered with a redirect to {host}</source>
        <translation>маркетплейс ответил перенаправлением на {host}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace says there is more but gives no new cursor</source>
        <translation>маркетплейс сообщает, что данные ещё есть, но не даёт новый курсор</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token expired on {date}; create a new one in the seller&apos;s account</source>
        <translation>срок токена истёк {date}; создайте новый в кабинете продавца</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token cannot be read: {detail}</source>
        <translation>токен не читается: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} has no sandbox for {what}</source>
        <translation>у {marketplace} нет песочницы для {what}</translation>
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
        <source>system keyring ({detail})</source>
        <translation>системное хранилище ключей ({detail})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a passphrase (scrypt) in the vault file</source>
        <translation>пароль (scrypt) в файле хранилища</translation>
    </message>
</context>
</TS>
