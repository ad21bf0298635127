"""examples/quickstart.ipynb runs headless and shows each animation inline: player and GIF."""

import base64
import io
import os

import pytest
from PIL import Image

from test_bad_input import ROOT

NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


@pytest.mark.integration
@pytest.mark.slow
def test_quickstart_notebook_shows_each_animation_inline(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    # The kernel imports the package from this checkout, as an install would provide it.
    client.execute(env=dict(os.environ, PYTHONPATH=str(ROOT)))
    shown = [output["data"] for cell in notebook.cells
             if cell.cell_type == "code" for output in cell.get("outputs", [])
             if "text/html" in output.get("data", {})]
    # The player, and a GIF beside it for viewers that run no script.
    assert all("data-convarith-player" in data["text/html"] for data in shown)
    gifs = [Image.open(io.BytesIO(base64.b64decode(data["image/gif"]))) for data in shown]
    # conv2d 5/3/2/1, max_pool2d 4/2 and the elided ResNet stem's story
    assert [gif.n_frames for gif in gifs] == [9, 4, 8]
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors
    assert list(tmp_path.iterdir()) == []   # nothing is written unless saved
    assert len(nbformat.writes(notebook).encode()) < 2 * 2**20
