from verify import create_app

app = create_app()
