"""template.yaml as data: CloudFormation's short tags (!Ref, !GetAtt, !Sub...) kept as {"!Tag": value}."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from infra.settings import ROOT


class _Loader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node for !{suffix}", node.start_mark)
    return {f"!{suffix}": value}


_Loader.add_multi_constructor("!", _tag)


@cache
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((ROOT / "template.yaml").read_text(), Loader=_Loader)
    return loaded


def functions() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def api_routes() -> dict[tuple[str, str], str]:
    """(METHOD, path) -> logical id of the function that serves it."""
    routes = {}
    for name, props in functions().items():
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "Api":
                routes[(event["Properties"]["Method"].upper(), event["Properties"]["Path"])] = name
    return routes


def function_dir(props: dict[str, Any]) -> str:
    return str(props["CodeUri"]).rstrip("/").split("/")[-1]
