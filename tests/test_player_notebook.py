"""A notebook shows an animation as the HTML player, with a GIF for viewers without scripts."""

import base64
import io
import os

from PIL import Image

from test_bad_input import ROOT

CELLS = ["import convarith",
         "convarith.conv2d(4, 3, stride=1, numerical=True)",
         "from IPython.display import display\n"
         "display(convarith.conv_transpose2d(2, 3, stride=2))"]


def test_a_notebook_shows_the_player_and_a_gif(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                               for source in CELLS])
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=dict(os.environ, PYTHONPATH=str(ROOT)))
    shown = [output["data"] for cell in notebook.cells for output in cell.get("outputs", [])
             if "data" in output]
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors
    assert len(shown) == 2
    for data, steps in zip(shown, (4, 25)):
        assert "data-convarith-player" in data["text/html"]
        assert f'data-steps="{steps}"' in data["text/html"]
        gif = Image.open(io.BytesIO(base64.b64decode(data["image/gif"])))
        assert gif.format == "GIF" and gif.n_frames == steps
    assert list(tmp_path.iterdir()) == []   # nothing is written unless saved
