import axios from 'axios';

export interface Book {
  id: number;
  title: string;
  author: string;
  read: boolean;
}

const api = axios.create({ baseURL: '/' });

export async function fetchBooks(): Promise<Book[]> {
  const response = await api.get<Book[]>('books.json');
  return response.data;
}
