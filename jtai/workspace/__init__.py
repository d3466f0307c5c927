"""The workspace: one folder per inspection or self-assessment, found, created and read.

A workspace holds ``inspection.yaml`` (the settings), ``jtai.db`` (the store),
``extracts/`` (copies of loaded files, named by content hash), ``reports/``, ``.key``
(the pseudonymisation key) and ``audit.head`` (the audit log's last entry). A workspace
made by ``jtai demo`` also holds the marker ``.jtai-demo``, which lets the next demo run
delete the folder. Folders are 0700 and files 0600: this is children's data.

Public API::

    from jtai import workspace
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    ws = workspace.find()                          # --workspace, JTAI_WORKSPACE, or upwards
    ws.connect(), ws.config, ws.key, workspace.workspace_framework(ws)

The handle and finding it are in :mod:`~jtai.workspace.folder`, creating one in
:mod:`~jtai.workspace.creation`, the demo's folder rules in :mod:`~jtai.workspace.demo_folder`.
"""

from jtai.workspace.creation import Cleared, create
from jtai.workspace.demo_folder import DEMO_FILES, DEMO_OWN
from jtai.workspace.folder import (
    DIR_MODE,
    ENV_VAR,
    Workspace,
    enclosing,
    find,
    is_workspace,
    read_config,
    workspace_anchor,
    workspace_framework,
)

__all__ = [
    "DEMO_FILES",
    "DEMO_OWN",
    "DIR_MODE",
    "ENV_VAR",
    "Cleared",
    "Workspace",
    "create",
    "enclosing",
    "find",
    "is_workspace",
    "read_config",
    "workspace_anchor",
    "workspace_framework",
]
