"""The OpenAPI 3.1 document, generated from the views: each API view declares what it takes and
returns with `@document(...)` beside its code, and `build` walks the app's url_map for them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask

from consult.api import schemas

F = TypeVar("F", bound=Callable[..., Any])
API_VERSION = "1.0.0"
PREFIX = "/api"
_VARIABLE = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
DESCRIPTIONS = {
    304: "没有变化（If-None-Match 与当前 ETag 相同）", 400: "参数有误", 401: "缺少或无效的令牌", 403: "令牌没有所需权限",
    404: "不存在或未公开", 405: "不支持的请求方式", 406: "无法提供所要求的格式", 409: "冲突", 413: "请求体过大",
    415: "请求体须为 application/json", 422: "内容无法处理（字段错误见 errors）", 429: "请求过于频繁",
}


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    response: dict[str, Any] | None = None
    params: tuple[dict[str, Any], ...] = ()
    request: dict[str, Any] | None = None
    scope: str | None = None  # a staff operation: the token scope it needs
    media: tuple[str, ...] = ("application/json",)
    statuses: tuple[int, ...] = field(default=())


def document(summary: str, *, tag: str, response: dict[str, Any] | None = None, params: tuple[dict[str, Any], ...] = (),
             request: dict[str, Any] | None = None, scope: str | None = None, media: tuple[str, ...] = ("application/json",),
             statuses: tuple[int, ...] = ()) -> Callable[[F], F]:
    """Declare an API view's contract; an /api route without one fails tests/integration/test_api_openapi.py."""

    def decorator(view: F) -> F:
        view.openapi = Operation(summary, tag, response, params, request, scope, media, statuses)  # type: ignore[attr-defined]
        return view

    return decorator


def operation_of(app: Flask, endpoint: str) -> Operation | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "openapi", None)


def _responses(op: Operation) -> dict[str, Any]:
    content = {media: {"schema": op.response or {}} for media in op.media}
    responses: dict[str, Any] = {"200": {"description": "成功", "content": content}}
    if op.request is not None:
        responses = {"201": {"description": "已创建", "content": content}, "200": {"description": "已存在（重试）", "content": content}}
    codes = {400, 404, 405, 406, 429, *op.statuses}
    if op.scope:
        codes |= {401, 403}
    if op.request is not None:
        codes |= {409, 413, 415, 422}
    else:
        codes.add(304)
    for code in sorted(codes):
        responses[str(code)] = {"description": DESCRIPTIONS[code]} | ({} if code == 304 else {"content": PROBLEM})
    return responses


def _operation(op: Operation, endpoint: str, path_params: list[str]) -> dict[str, Any]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}} for name in path_params]
    params += list(op.params)
    item: dict[str, Any] = {"operationId": endpoint.replace(".", "_"), "summary": op.summary, "tags": [op.tag], "responses": _responses(op)}
    if params:
        item["parameters"] = params
    if op.request is not None:
        item["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.request}}}
    if op.scope:
        item["security"] = [{"bearer": [op.scope]}]
        item["description"] = f"需要个人 API 令牌，权限范围 `{op.scope}`。"
    return item


def api_rules(app: Flask) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX)), key=lambda r: r.rule)


def build(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in api_rules(app):
        op = operation_of(app, rule.endpoint)
        if op is None:
            continue
        path = _VARIABLE.sub(r"{\1}", rule.rule)
        names = _VARIABLE.findall(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(op, rule.endpoint, [n for n in names if n != "fmt"])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Consult API", "version": API_VERSION,
            "description": "公开的方案、意见、论坛、听证、建议、答复与统计数据（只读、限流），以及工作人员用个人令牌调用的导入与答复接口。见 docs/api.md。",
            "license": {"name": "CC BY 4.0（公开数据）", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas.COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "个人 API 令牌（账号页面创建）"}},
        },
    }
