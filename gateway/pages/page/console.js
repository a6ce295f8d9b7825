// console.js: the support and compliance console (/console).
"use strict";

CG.add({ en: { title: "Compliance and support console" }, ja: { title: "コンプライアンス・サポート コンソール" } });
CG.start(() => {});
